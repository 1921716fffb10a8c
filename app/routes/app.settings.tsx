// The shop card: every setting of spec §2, grouped as merchants know them, saved through the engine's strict
// validation (unknown template or customer, both update directions on) with the message next to the field.
import { useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, Checkbox, FormLayout, Layout, Page, Select } from "@shopify/polaris";
import { SaveBar } from "@shopify/app-bridge-react";
import prisma from "../db.server";
import { loadSettings, saveSettings, SettingsError, settingsSchema, type Settings, type SettingsProblem } from "../sync/settings";
import { ErpCustomerPicker } from "../components/ErpCustomerPicker";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [settings, templates] = await Promise.all([
    loadSettings(prisma, shop),
    prisma.customerTemplate.findMany({ where: { shop }, orderBy: { code: "asc" }, select: { code: true, description: true } }),
  ]);
  return json({ settings, templates });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = settingsSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) {
    const problems: SettingsProblem[] = parsed.error.issues.map((i) => ({ field: (i.path[0] as keyof Settings) ?? "form", message: i.message }));
    return json({ ok: false as const, problems }, { status: 400 });
  }
  try {
    const settings = await saveSettings(prisma, shop, parsed.data, { strict: true });
    return json({ ok: true as const, settings });
  } catch (e) {
    if (e instanceof SettingsError) return json({ ok: false as const, problems: e.problems });
    throw e;
  }
};

const same = (a: Settings, b: Settings) => (Object.keys(a) as Array<keyof Settings>).every((k) => a[k] === b[k]);

export default function ShopCard() {
  const { settings: saved, templates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { m, fmt } = useI18n();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [form, setForm] = useState<Settings>(saved);
  const [problems, setProblems] = useState<SettingsProblem[]>([]);
  const saving = navigation.state === "submitting";
  const dirty = !same(form, saved);

  const savedKey = JSON.stringify(saved);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setForm(saved), [savedKey]);
  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      setProblems([]);
      toast(m.settings.saved);
    } else {
      setProblems(result.problems);
    }
  }, [result, m]);

  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => {
    setForm((f) => {
      const next = { ...f, [key]: value };
      // Spec §2: turning Shopify → ERP updates on turns ERP → Shopify updates off.
      if (key === "shopifyCanUpdateCustomers" && value === true) next.canUpdateShopifyCustomers = false;
      return next;
    });
    setProblems((p) => p.filter((x) => x.field !== key));
  };

  const errorFor = (field: keyof Settings): string | undefined => {
    const p = problems.find((x) => x.field === field);
    if (!p) return undefined;
    if (field === "customerTemplateCode" && /no customer template/i.test(p.message)) return fmt(m.settings.errors.unknownTemplate, { code: form.customerTemplateCode });
    if (field === "defaultCustomerNo" && /no customer/i.test(p.message)) return fmt(m.settings.errors.unknownCustomer, { no: form.defaultCustomerNo });
    if (field === "canUpdateShopifyCustomers" && /both/i.test(p.message)) return m.settings.errors.bothDirections;
    return p.message;
  };

  const save = () => submit(form as unknown as Record<string, string>, { method: "post", encType: "application/json" });
  const discard = () => {
    setForm(saved);
    setProblems([]);
  };

  const opts = (map: Record<string, string>, keys: string[]) => keys.map((value) => ({ value, label: map[value] ?? value }));
  const nameOptions = opts(m.settings.options.nameSource, ["companyName", "firstAndLastName", "lastAndFirstName", "none"]);
  const templateOptions = useMemo(
    () => [
      { value: "", label: m.settings.noTemplate },
      ...templates.map((t) => ({ value: t.code, label: t.description ? `${t.code} · ${t.description}` : t.code })),
      // A saved code that no longer exists stays visible, so the error next to it makes sense.
      ...(form.customerTemplateCode && !templates.some((t) => t.code === form.customerTemplateCode) ? [{ value: form.customerTemplateCode, label: form.customerTemplateCode }] : []),
    ],
    [templates, form.customerTemplateCode, m],
  );
  const f = m.settings.fields;
  const s = m.settings.sections;

  return (
    <Page
      title={m.settings.title}
      backAction={{ content: m.nav.home, url: "/app" }}
      primaryAction={{ content: m.common.save, onAction: save, loading: saving, disabled: !dirty }}
      secondaryActions={[{ content: m.common.discard, onAction: discard, disabled: !dirty }]}
    >
      <SaveBar id="settings-save-bar" open={dirty}>
        <button variant="primary" onClick={save} disabled={saving} loading={saving ? "" : undefined}>
          {m.common.save}
        </button>
        <button onClick={discard}>{m.common.discard}</button>
      </SaveBar>
      <BlockStack gap="500">
        {problems.length > 0 && (
          <Banner tone="critical" title={m.settings.fixProblems}>
            <ul>
              {problems.map((p) => (
                <li key={p.field}>{errorFor(p.field as keyof Settings) ?? p.message}</li>
              ))}
            </ul>
          </Banner>
        )}
        <Layout>
          <Layout.AnnotatedSection id="import" title={s.import} description={s.importHelp}>
            <Card>
              <FormLayout>
                <Select
                  label={f.customerImport}
                  options={opts(m.settings.options.customerImport, ["allCustomers", "withOrderImport", "none"])}
                  value={form.customerImport}
                  onChange={(v) => set("customerImport", v as Settings["customerImport"])}
                  helpText={f.customerImportHelp}
                  error={errorFor("customerImport")}
                />
                <Checkbox
                  label={f.autoCreateUnknownCustomers}
                  checked={form.autoCreateUnknownCustomers}
                  onChange={(v) => set("autoCreateUnknownCustomers", v)}
                  helpText={f.autoCreateUnknownCustomersHelp}
                  error={errorFor("autoCreateUnknownCustomers")}
                />
                <Checkbox
                  label={f.createCustomersWithoutAddress}
                  checked={form.createCustomersWithoutAddress}
                  onChange={(v) => set("createCustomersWithoutAddress", v)}
                  helpText={f.createCustomersWithoutAddressHelp}
                  error={errorFor("createCustomersWithoutAddress")}
                />
                <Checkbox
                  label={f.shopifyCanUpdateCustomers}
                  checked={form.shopifyCanUpdateCustomers}
                  onChange={(v) => set("shopifyCanUpdateCustomers", v)}
                  helpText={f.shopifyCanUpdateCustomersHelp}
                  error={errorFor("shopifyCanUpdateCustomers")}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection id="mapping" title={s.mapping} description={s.mappingHelp}>
            <Card>
              <FormLayout>
                <Select
                  label={f.customerMappingType}
                  options={opts(m.settings.options.customerMappingType, ["byEmailPhone", "byBillToInfo", "defaultCustomer"])}
                  value={form.customerMappingType}
                  onChange={(v) => set("customerMappingType", v as Settings["customerMappingType"])}
                  helpText={f.customerMappingTypeHelp}
                  error={errorFor("customerMappingType")}
                />
                <ErpCustomerPicker
                  id="defaultCustomerNo"
                  label={f.defaultCustomerNo}
                  value={form.defaultCustomerNo}
                  onChange={(v) => set("defaultCustomerNo", v)}
                  helpText={f.defaultCustomerNoHelp}
                  error={errorFor("defaultCustomerNo")}
                />
                <Select
                  id="customerTemplateCode"
                  label={f.customerTemplateCode}
                  options={templateOptions}
                  value={form.customerTemplateCode}
                  onChange={(v) => set("customerTemplateCode", v)}
                  helpText={f.customerTemplateCodeHelp}
                  error={errorFor("customerTemplateCode")}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection id="export" title={s.export} description={s.exportHelp}>
            <Card>
              <FormLayout>
                <Checkbox
                  id="canUpdateShopifyCustomers"
                  label={f.canUpdateShopifyCustomers}
                  checked={form.canUpdateShopifyCustomers}
                  onChange={(v) => set("canUpdateShopifyCustomers", v)}
                  helpText={f.canUpdateShopifyCustomersHelp}
                  error={errorFor("canUpdateShopifyCustomers")}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection id="sources" title={s.sources} description={s.sourcesHelp}>
            <Card>
              <FormLayout>
                <Select label={f.nameSource} options={nameOptions} value={form.nameSource} onChange={(v) => set("nameSource", v as Settings["nameSource"])} helpText={f.nameSourceHelp} error={errorFor("nameSource")} />
                <Select label={f.name2Source} options={nameOptions} value={form.name2Source} onChange={(v) => set("name2Source", v as Settings["name2Source"])} helpText={f.name2SourceHelp} error={errorFor("name2Source")} />
                <Select
                  label={f.contactSource}
                  options={opts(m.settings.options.nameSource, ["firstAndLastName", "lastAndFirstName", "none"])}
                  value={form.contactSource}
                  onChange={(v) => set("contactSource", v as Settings["contactSource"])}
                  helpText={f.contactSourceHelp}
                  error={errorFor("contactSource")}
                />
                <Select
                  label={f.countySource}
                  options={opts(m.settings.options.countySource, ["code", "name"])}
                  value={form.countySource}
                  onChange={(v) => set("countySource", v as Settings["countySource"])}
                  helpText={f.countySourceHelp}
                  error={errorFor("countySource")}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection id="schedule" title={s.schedule} description={s.scheduleHelp}>
            <Card>
              <Select
                label={f.autoSync}
                options={opts(m.settings.options.autoSync, ["off", "15m", "1h", "6h", "24h"])}
                value={form.autoSync}
                onChange={(v) => set("autoSync", v as Settings["autoSync"])}
                helpText={f.autoSyncHelp}
                error={errorFor("autoSync")}
              />
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}
