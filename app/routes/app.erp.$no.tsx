// The ERP customer card: create and edit a customer with the field rules of the master (lengths, Unicode clean-up),
// delete it (its Shopify links are cleared and matched again), and add it to Shopify.
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { SaveBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import prisma from "../db.server";
import { ERP_CUSTOMER_TEXT_FIELDS, emptyErpCustomer, type ErpCustomer } from "../erp/fields";
import { deleteErpCustomer, ErpValidationError } from "../erp/master";
import { addToShopifyFromPage } from "../sync/service.server";
import { LinkSourceBadge } from "../components/Badges";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import { erpCard, erpNoExists, erpReferenceData, saveErpCard } from "../ui/erp.server";
import { runIssues } from "../ui/log.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const no = params.no ?? "";
  const ref = await erpReferenceData(shop);
  if (no === "new") return json({ isNew: true, notFound: false, no, customer: emptyErpCustomer(""), mirrors: [], ...ref });
  const card = await erpCard(shop, no);
  if (!card) return json({ isNew: false, notFound: true, no, customer: emptyErpCustomer(no), mirrors: [], ...ref });
  const { createdAt: _c, updatedAt: _u, ...customer } = card.customer;
  return json({ isNew: false, notFound: false, no, customer: customer as ErpCustomer, mirrors: card.mirrors, ...ref });
};

const textFields = Object.keys(ERP_CUSTOMER_TEXT_FIELDS) as Array<keyof typeof ERP_CUSTOMER_TEXT_FIELDS>;
const saveInput = z.object({
  intent: z.literal("save"),
  customer: z.object({
    ...Object.fromEntries(textFields.map((k) => [k, z.string().default("")])),
    taxLiable: z.boolean().default(false),
    blocked: z.boolean().default(false),
  }),
});
const otherInput = z.object({ intent: z.enum(["delete", "addToShopify"]) });

type Problem = { field: string; kind: "tooLong" | "noTaken" | "nameRequired" | "other"; max?: number; message: string };
type Result =
  | { intent: "save"; ok: boolean; problems: Problem[] }
  | { intent: "addToShopify"; ok: boolean; exported: number; linked: number; skipped: number; issues: Array<{ code: string; message: string }> }
  | { intent: "addToShopifyQueued"; ok: true }
  | { intent: "delete"; ok: boolean };

function toProblems(e: ErpValidationError): Problem[] {
  return e.issues.map((i) => {
    const max = /at most (\d+)/.exec(i.message)?.[1];
    return { field: i.field, kind: max ? "tooLong" : "other", max: max ? Number(max) : undefined, message: i.message };
  });
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const no = params.no ?? "";
  const isNew = no === "new";
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    const parsed = saveInput.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return json<Result>({ intent: "save", ok: false, problems: [{ field: "form", kind: "other", message: parsed.error.issues[0]?.message ?? "invalid" }] }, { status: 400 });
    const c = parsed.data.customer as Record<string, unknown>;
    const problems: Problem[] = [];
    if (!String(c.name ?? "").trim()) problems.push({ field: "name", kind: "nameRequired", message: "A customer needs a name." });
    const wanted = String(c.no ?? "").trim();
    if (isNew && wanted && (await erpNoExists(shop, wanted))) problems.push({ field: "no", kind: "noTaken", message: `Customer ${wanted} already exists.` });
    if (problems.length) return json<Result>({ intent: "save", ok: false, problems });
    try {
      const saved = await saveErpCard(shop, isNew ? c : { ...c, no }, isNew);
      if (isNew) return redirect(`/app/erp/${encodeURIComponent(saved.no)}?created=1`);
      return json<Result>({ intent: "save", ok: true, problems: [] });
    } catch (e) {
      if (e instanceof ErpValidationError) return json<Result>({ intent: "save", ok: false, problems: toProblems(e) });
      throw e;
    }
  }
  const parsed = otherInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success || isNew) return json<Result>({ intent: "delete", ok: false }, { status: 400 });
  if (parsed.data.intent === "delete") {
    await deleteErpCustomer(prisma, shop, no);
    return redirect(`/app/erp?deleted=${encodeURIComponent(no)}`);
  }
  // While a Sync or another job of the shop runs, the customer is added by a background job after it.
  const r = await addToShopifyFromPage(shop, [no]);
  if (r.queued) return json<Result>({ intent: "addToShopifyQueued", ok: true });
  const summary = r.summary;
  const issues = await runIssues(shop, summary.runId, 10);
  return json<Result>({
    intent: "addToShopify",
    ok: summary.status !== "failed" && summary.counts.skipped + summary.counts.failed === 0,
    exported: summary.counts.exported,
    linked: summary.counts.linked,
    skipped: summary.counts.skipped + summary.counts.failed,
    issues: issues.map((i) => ({ code: i.code, message: i.message })),
  });
};

type FieldKey = keyof ErpCustomer;

export default function ErpCustomerCard() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { m, fmt, number } = useI18n();
  const submit = useSubmit();
  const navigation = useNavigation();
  const exporter = useFetcher<Result>();
  const [form, setForm] = useState<ErpCustomer>(data.customer);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const savedKey = JSON.stringify(data.customer);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setForm(data.customer), [savedKey]);
  useEffect(() => {
    if (typeof window !== "undefined" && new URLSearchParams(window.location.search).get("created")) toast(fmt(m.erpCard.created, { no: data.customer.no }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data.customer.no]);
  useEffect(() => {
    if (result?.intent !== "save") return;
    setProblems(result.problems);
    if (result.ok) toast(m.erpCard.saved);
  }, [result, m]);
  const exported = exporter.state === "idle" && exporter.data?.intent === "addToShopify" ? exporter.data : null;
  useEffect(() => {
    if (exported) toast(fmt(m.erp.addedToShopify, { exported: number(exported.exported), linked: number(exported.linked), skipped: number(exported.skipped) }), { isError: !exported.ok });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [exported]);
  const exportQueued = exporter.state === "idle" && exporter.data?.intent === "addToShopifyQueued" ? exporter.data : null;
  useEffect(() => {
    if (exportQueued) toast(fmt(m.erpCard.addQueued, { no: data.customer.no }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [exportQueued]);

  if (data.notFound) {
    return (
      <Page title={data.no} backAction={{ content: m.erp.title, url: "/app/erp" }}>
        <Banner tone="critical">{fmt(m.erpCard.notFound, { no: data.no })}</Banner>
      </Page>
    );
  }

  const dirty = JSON.stringify(form) !== savedKey;
  const saving = navigation.state === "submitting" && navigation.formMethod?.toLowerCase() === "post" && navigation.formEncType === "application/json";
  const save = () => submit({ intent: "save", customer: form } as never, { method: "post", encType: "application/json" });
  const discard = () => {
    setForm(data.customer);
    setProblems([]);
  };
  const errorFor = (field: string) => {
    const p = problems.find((x) => x.field === field);
    if (!p) return undefined;
    if (p.kind === "tooLong") return fmt(m.erpCard.tooLong, { max: p.max });
    if (p.kind === "noTaken") return fmt(m.erpCard.noTaken, { no: form.no });
    if (p.kind === "nameRequired") return m.erpCard.nameRequired;
    return p.message;
  };
  const set = (k: FieldKey) => (v: string | boolean) => {
    setForm((f) => ({ ...f, [k]: v }));
    setProblems((p) => p.filter((x) => x.field !== k));
  };
  const field = (k: keyof typeof ERP_CUSTOMER_TEXT_FIELDS, extra: { helpText?: string; type?: "email" | "tel"; disabled?: boolean } = {}) => (
    <TextField
      id={`erp-${k}`}
      label={m.erpCard.fields[k]}
      value={String(form[k] ?? "")}
      onChange={set(k)}
      maxLength={ERP_CUSTOMER_TEXT_FIELDS[k]}
      showCharacterCount={ERP_CUSTOMER_TEXT_FIELDS[k] >= 50}
      autoComplete="off"
      error={errorFor(k)}
      {...extra}
    />
  );
  const templateOptions = [
    { value: "", label: m.settings.noTemplate },
    ...data.templates.map((t) => ({ value: t.code, label: t.description ? `${t.code} · ${t.description}` : t.code })),
    ...(form.templateCode && !data.templates.some((t) => t.code === form.templateCode) ? [{ value: form.templateCode, label: form.templateCode }] : []),
  ];
  const countryOptions = [
    { value: "", label: "—" },
    ...data.countries.map((c) => ({ value: c.code, label: `${c.code} · ${c.name}${c.isoCode && c.isoCode !== c.code ? ` (ISO ${c.isoCode})` : ""}` })),
    ...(form.countryCode && !data.countries.some((c) => c.code === form.countryCode) ? [{ value: form.countryCode, label: form.countryCode }] : []),
  ];
  const title = data.isNew ? m.erpCard.newTitle : fmt(m.erpCard.title, { no: data.customer.no, name: data.customer.name });

  return (
    <Page
      title={title}
      backAction={{ content: m.erp.title, url: "/app/erp" }}
      primaryAction={{ content: m.common.save, onAction: save, loading: saving, disabled: !dirty && !data.isNew }}
      secondaryActions={
        data.isNew
          ? []
          : [
              { content: m.erp.addToShopify, onAction: () => exporter.submit({ intent: "addToShopify" }, { method: "post" }), loading: exporter.state !== "idle", disabled: dirty },
              { content: m.common.delete, destructive: true, onAction: () => setConfirmDelete(true) },
            ]
      }
    >
      <SaveBar id="erp-card-save-bar" open={dirty}>
        <button variant="primary" onClick={save} disabled={saving} loading={saving ? "" : undefined}>
          {m.common.save}
        </button>
        <button onClick={discard}>{m.common.discard}</button>
      </SaveBar>
      <BlockStack gap="400">
        {problems.length > 0 && <Banner tone="critical" title={m.erpCard.fixProblems} />}
        {exported && exported.issues.length > 0 && (
          <Banner tone={exported.ok ? "info" : "warning"} title={m.erp.lastExport}>
            {exported.issues.map((i, k) => (
              <p key={k}>
                <b>{i.code}</b> {m.codes[i.code] ?? ""} {i.message}
              </p>
            ))}
          </Banner>
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{m.erpCard.sections.general}</Text>
                  <FormLayout>
                    <FormLayout.Group>
                      {field("no", { helpText: data.isNew ? m.erpCard.noHelp : undefined, disabled: !data.isNew })}
                      {field("name")}
                    </FormLayout.Group>
                    <FormLayout.Group>
                      {field("name2")}
                      {field("contact")}
                    </FormLayout.Group>
                    <Checkbox label={m.erpCard.fields.blocked} checked={form.blocked} onChange={set("blocked")} />
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{m.erpCard.sections.address}</Text>
                  <FormLayout>
                    {field("address")}
                    {field("address2")}
                    <FormLayout.Group>
                      {field("postCode")}
                      {field("city")}
                    </FormLayout.Group>
                    <FormLayout.Group>
                      {field("county")}
                      <Select id="erp-countryCode" label={m.erpCard.fields.countryCode} options={countryOptions} value={form.countryCode} onChange={set("countryCode")} error={errorFor("countryCode")} />
                    </FormLayout.Group>
                  </FormLayout>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{m.erpCard.sections.communication}</Text>
                  <FormLayout>
                    <FormLayout.Group>
                      {field("phoneNo", { type: "tel" })}
                      {field("email", { helpText: m.erpCard.emailHelp })}
                    </FormLayout.Group>
                  </FormLayout>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">{m.erpCard.sections.invoicing}</Text>
                  <FormLayout>
                    <Select id="erp-templateCode" label={m.erpCard.fields.templateCode} options={templateOptions} value={form.templateCode} onChange={set("templateCode")} helpText={data.isNew ? m.erpCard.templateHelp : undefined} error={errorFor("templateCode")} />
                    {field("genBusPostingGroup")}
                    {field("customerPostingGroup")}
                    {field("vatBusPostingGroup")}
                    {field("paymentTermsCode")}
                    {field("taxAreaCode")}
                    <Checkbox label={m.erpCard.fields.taxLiable} checked={form.taxLiable} onChange={set("taxLiable")} />
                  </FormLayout>
                </BlockStack>
              </Card>
              {!data.isNew && (
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">{m.erpCard.linkedShopify}</Text>
                    {data.mirrors.length ? (
                      data.mirrors.map((c) => (
                        <InlineStack key={c.shopifyId} align="space-between" blockAlign="center" gap="200">
                          <BlockStack gap="050">
                            <Text as="span" fontWeight="semibold">{[c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.shopifyId}</Text>
                            <Text as="span" tone="subdued" variant="bodySm">{c.email}</Text>
                            <InlineStack gap="100"><LinkSourceBadge source={c.linkSource} /></InlineStack>
                          </BlockStack>
                          {!c.deletedInShopify && (
                            <Button variant="plain" url={`shopify:admin/customers/${c.shopifyId.replace(/^.*\//, "")}`} target="_top">
                              {m.common.openInShopify}
                            </Button>
                          )}
                        </InlineStack>
                      ))
                    ) : (
                      <Text as="p" tone="subdued">{m.erpCard.noLinkedShopify}</Text>
                    )}
                  </BlockStack>
                </Card>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
      <Modal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={fmt(m.erpCard.deleteConfirmTitle, { no: data.customer.no })}
        primaryAction={{ content: m.common.delete, destructive: true, loading: navigation.state !== "idle", onAction: () => submit({ intent: "delete" }, { method: "post" }) }}
        secondaryActions={[{ content: m.common.cancel, onAction: () => setConfirmDelete(false) }]}
      >
        <Modal.Section>
          <Text as="p">{m.erpCard.deleteConfirm}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
