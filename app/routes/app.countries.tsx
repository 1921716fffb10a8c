// Customer setup by country/region: per ISO country the template new customers get and the default customer of
// orders shipped there, the counties (tax areas) of a country, and helpers that fill both from data.
import { useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useSearchParams, useSubmit, useNavigation, useActionData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Checkbox, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { ErpCustomerPicker } from "../components/ErpCustomerPicker";
import { toast } from "../components/toast";
import { sortKey, useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import {
  addCountry, addUsedCountries, countriesData, deleteCounty, fillCounties, isKnownIso, removeCountrySetup, saveCountrySetup, saveCounty,
  type FieldProblem,
} from "../ui/countries.server";

const iso = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/);
const text = (max: number) => z.string().trim().max(max).default("");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const c = new URL(request.url).searchParams.get("country");
  const selected = c && iso.safeParse(c).success ? c.toUpperCase() : null;
  return json(await countriesData(shop, selected));
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("addUsed") }),
  z.object({ intent: z.literal("addCountry"), countryCode: iso }),
  z.object({ intent: z.literal("saveSetup"), countryCode: iso, customerTemplateCode: text(20), defaultCustomerNo: text(20) }),
  z.object({ intent: z.literal("removeSetup"), countryCode: iso }),
  z.object({ intent: z.literal("fillCounties"), countryCode: iso }),
  z.object({
    intent: z.literal("saveCounty"), countryCode: iso, originalCounty: text(30), county: text(30), countyCode: text(10), taxAreaCode: text(20),
    taxLiable: z.enum(["true", "false"]).transform((v) => v === "true"), vatBusPostingGroup: text(20),
  }),
  z.object({ intent: z.literal("deleteCounty"), countryCode: iso, county: z.string() }),
]);

type Result = { intent: string; ok: boolean; count?: number; problems?: FieldProblem[]; error?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<Result>({ intent: "invalid", ok: false, error: parsed.error.issues[0]?.message }, { status: 400 });
  const a = parsed.data;
  switch (a.intent) {
    case "addUsed":
      return json<Result>({ intent: a.intent, ok: true, count: await addUsedCountries(shop) });
    case "addCountry":
      if (!isKnownIso(a.countryCode)) return json<Result>({ intent: a.intent, ok: false, error: "invalidCountry" }, { status: 400 });
      await addCountry(shop, a.countryCode);
      return json<Result>({ intent: a.intent, ok: true });
    case "saveSetup": {
      const problems = await saveCountrySetup(shop, a);
      return json<Result>({ intent: a.intent, ok: !problems.length, problems });
    }
    case "removeSetup":
      await removeCountrySetup(shop, a.countryCode);
      return json<Result>({ intent: a.intent, ok: true });
    case "fillCounties":
      return json<Result>({ intent: a.intent, ok: true, count: await fillCounties(shop, a.countryCode) });
    case "saveCounty": {
      const problems = await saveCounty(shop, a);
      return json<Result>({ intent: a.intent, ok: !problems.length, problems });
    }
    case "deleteCounty":
      await deleteCounty(shop, a.countryCode, a.county);
      return json<Result>({ intent: a.intent, ok: true });
  }
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function useProblemText() {
  const { m, fmt } = useI18n();
  return (problems: FieldProblem[] | undefined, field: string) => {
    const p = problems?.find((x) => x.field === field);
    if (!p) return undefined;
    if (p.kind === "unknownTemplate") return fmt(m.countries.errors.unknownTemplate, { code: p.value });
    if (p.kind === "unknownCustomer") return fmt(m.countries.errors.unknownCustomer, { no: p.value });
    return m.countries.errors.countyRequired;
  };
}

function SetupRow({ setup, templates, selected }: { setup: Data["setups"][number]; templates: Data["templates"]; selected: boolean }) {
  const { m, fmt, country, number } = useI18n();
  const fetcher = useFetcher<Result>();
  const problemText = useProblemText();
  const [template, setTemplate] = useState(setup.customerTemplateCode);
  const [defaultNo, setDefaultNo] = useState(setup.defaultCustomerNo);
  useEffect(() => {
    setTemplate(setup.customerTemplateCode);
    setDefaultNo(setup.defaultCustomerNo);
  }, [setup.customerTemplateCode, setup.defaultCustomerNo]);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok && fetcher.data.intent === "saveSetup") toast(m.countries.saved);
  }, [fetcher.state, fetcher.data, m]);
  const changed = template !== setup.customerTemplateCode || defaultNo !== setup.defaultCustomerNo;
  const problems = fetcher.data?.intent === "saveSetup" ? fetcher.data.problems : undefined;
  const templateOptions = [{ value: "", label: m.settings.noTemplate }, ...templates.map((t) => ({ value: t.code, label: t.description ? `${t.code} · ${t.description}` : t.code }))];
  return (
    <div data-testid={`country-${setup.countryCode}`} style={{ padding: "var(--p-space-300) var(--p-space-400)", borderTop: "var(--p-border-width-025) solid var(--p-color-border-secondary)", background: selected ? "var(--p-color-bg-surface-selected)" : undefined }}>
      <div style={{ display: "grid", gridTemplateColumns: "220px minmax(0, 1fr) minmax(0, 1.3fr) auto", gap: "var(--p-space-400)", alignItems: "start" }}>
        <div>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {country(setup.countryCode)} <Text as="span" tone="subdued">({setup.countryCode}{setup.erpCode && setup.erpCode !== setup.countryCode ? ` · ERP ${setup.erpCode}` : ""})</Text>
            </Text>
            <Text as="span" tone="subdued" variant="bodySm">
              {setup.usedBy ? fmt(m.countries.usedBy, { count: number(setup.usedBy) }) : m.countries.notUsed}
            </Text>
            <Link to={`?country=${setup.countryCode}`} preventScrollReset>
              {fmt(m.countries.countyCount, { count: number(setup.counties) })}
            </Link>
          </BlockStack>
        </div>
        <div>
          <Select label={m.countries.template} options={templateOptions} value={template} onChange={setTemplate} error={problemText(problems, "customerTemplateCode")} />
        </div>
        <div>
          <ErpCustomerPicker label={m.countries.defaultCustomer} value={defaultNo} onChange={setDefaultNo} error={problemText(problems, "defaultCustomerNo")} />
        </div>
        <div style={{ paddingTop: 24 }}>
          <InlineStack gap="200" wrap={false}>
            <Button
              variant="primary"
              disabled={!changed}
              loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "saveSetup"}
              onClick={() => fetcher.submit({ intent: "saveSetup", countryCode: setup.countryCode, customerTemplateCode: template, defaultCustomerNo: defaultNo }, { method: "post" })}
            >
              {m.common.save}
            </Button>
            <Button
              tone="critical"
              variant="plain"
              loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "removeSetup"}
              onClick={() => fetcher.submit({ intent: "removeSetup", countryCode: setup.countryCode }, { method: "post" })}
            >
              {m.common.remove}
            </Button>
          </InlineStack>
        </div>
      </div>
    </div>
  );
}

type County = Data["counties"][number];

function CountyRow({ countryCode, county, isNew }: { countryCode: string; county: County; isNew?: boolean }) {
  const { m } = useI18n();
  const fetcher = useFetcher<Result>();
  const problemText = useProblemText();
  const [row, setRow] = useState(county);
  useEffect(() => setRow(county), [county]);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok && fetcher.data.intent === "saveCounty") {
      toast(m.countries.saved);
      if (isNew) setRow({ county: "", countyCode: "", taxAreaCode: "", taxLiable: false, vatBusPostingGroup: "" });
    }
  }, [fetcher.state, fetcher.data, m, isNew]);
  const changed = JSON.stringify(row) !== JSON.stringify(county);
  const problems = fetcher.data?.intent === "saveCounty" ? fetcher.data.problems : undefined;
  const set = (k: keyof County) => (v: string | boolean) => setRow((r) => ({ ...r, [k]: v }));
  return (
    <tr>
      <td><TextField label={m.countries.countyName} labelHidden value={row.county} onChange={set("county")} maxLength={30} autoComplete="off" error={problemText(problems, "county")} /></td>
      <td><TextField label={m.countries.countyCode} labelHidden value={row.countyCode} onChange={set("countyCode")} maxLength={10} autoComplete="off" /></td>
      <td><TextField label={m.countries.taxAreaCode} labelHidden value={row.taxAreaCode} onChange={set("taxAreaCode")} maxLength={20} autoComplete="off" /></td>
      <td style={{ textAlign: "center" }}><Checkbox label={m.countries.taxLiable} labelHidden checked={row.taxLiable} onChange={set("taxLiable")} /></td>
      <td><TextField label={m.countries.vatBusPostingGroup} labelHidden value={row.vatBusPostingGroup} onChange={set("vatBusPostingGroup")} maxLength={20} autoComplete="off" /></td>
      <td>
        <InlineStack gap="200" wrap={false}>
          <Button
            size="slim"
            variant={isNew ? "secondary" : "primary"}
            disabled={!changed}
            loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "saveCounty"}
            onClick={() => fetcher.submit({ intent: "saveCounty", countryCode, originalCounty: isNew ? "" : county.county, ...row, taxLiable: String(row.taxLiable) }, { method: "post" })}
          >
            {isNew ? m.common.add : m.common.save}
          </Button>
          {!isNew && (
            <Button size="slim" variant="plain" tone="critical" onClick={() => fetcher.submit({ intent: "deleteCounty", countryCode, county: county.county }, { method: "post" })}>
              {m.common.delete}
            </Button>
          )}
        </InlineStack>
      </td>
    </tr>
  );
}

function Counties({ data }: { data: Data }) {
  const { m, fmt, country, number } = useI18n();
  const fetcher = useFetcher<Result>();
  const code = data.selected!;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.intent === "fillCounties")
      toast(fetcher.data.count ? fmt(m.countries.filled, { count: number(fetcher.data.count) }) : m.countries.filledNone);
  }, [fetcher.state, fetcher.data, fmt, m, number]);
  const th = (s: string) => <th style={{ textAlign: "left", padding: "4px 6px", fontWeight: 550 }}>{s}</th>;
  const empty = { county: "", countyCode: "", taxAreaCode: "", taxLiable: false, vatBusPostingGroup: "" };
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {fmt(m.countries.countiesOf, { country: country(code) })}
          </Text>
          <InlineStack gap="200">
            <Button
              onClick={() => fetcher.submit({ intent: "fillCounties", countryCode: code }, { method: "post" })}
              disabled={!data.selectedHasDataset}
              loading={fetcher.state !== "idle"}
            >
              {m.countries.fillFromList}
            </Button>
            <Link to="?" preventScrollReset>
              {m.common.close}
            </Link>
          </InlineStack>
        </InlineStack>
        <Text as="p" tone="subdued">
          {m.countries.countiesHelp}
        </Text>
        <div style={{ overflowX: "auto" }}>
          <table style={{ width: "100%", borderCollapse: "separate", borderSpacing: "6px 4px" }} data-testid="counties">
            <thead>
              <tr>
                {th(m.countries.countyName)}
                {th(m.countries.countyCode)}
                {th(m.countries.taxAreaCode)}
                {th(m.countries.taxLiable)}
                {th(m.countries.vatBusPostingGroup)}
                {th("")}
              </tr>
            </thead>
            <tbody>
              {data.counties.map((c) => (
                <CountyRow key={c.county} countryCode={code} county={c} />
              ))}
              <CountyRow key={`new-${code}`} countryCode={code} county={empty} isNew />
            </tbody>
          </table>
        </div>
        {!data.counties.length && (
          <Text as="p" tone="subdued">
            {m.countries.noCounties}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Countries() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { m, fmt, country, number } = useI18n();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const [newCountry, setNewCountry] = useState("");
  useEffect(() => {
    if (result?.intent === "addUsed") toast(result.count ? fmt(m.countries.addUsedDone, { count: number(result.count) }) : m.countries.addUsedNone);
  }, [result, fmt, m, number]);
  const setUp = new Set(data.setups.map((s) => s.countryCode));
  const options = useMemo(
    () => [
      { value: "", label: "—" },
      ...data.isoCountries
        .filter((c) => !setUp.has(c.code))
        .map((c) => ({ value: c.code, label: `${country(c.code)} (${c.code})` }))
        .sort((a, b) => (sortKey(a.label) < sortKey(b.label) ? -1 : sortKey(a.label) > sortKey(b.label) ? 1 : 0)),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data.isoCountries, data.setups, country],
  );
  const busy = (intent: string) => navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  return (
    <Page
      title={m.countries.title}
      subtitle={m.countries.subtitle}
      backAction={{ content: m.nav.home, url: "/app" }}
      primaryAction={{ content: m.countries.addUsed, loading: busy("addUsed"), onAction: () => submit({ intent: "addUsed" }, { method: "post" }) }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <InlineStack gap="300" blockAlign="end">
                  <div style={{ minWidth: 280 }}>
                    <Select label={m.countries.addCountry} options={options} value={newCountry} onChange={setNewCountry} />
                  </div>
                  <Button
                    disabled={!newCountry}
                    loading={busy("addCountry")}
                    onClick={() => {
                      submit({ intent: "addCountry", countryCode: newCountry }, { method: "post" });
                      setNewCountry("");
                    }}
                  >
                    {m.common.add}
                  </Button>
                  {data.unsetUsed.length > 0 && (
                    <InlineStack gap="100">
                      {data.unsetUsed.map((c) => (
                        <Badge key={c} tone="warning">{`${country(c)} (${c})`}</Badge>
                      ))}
                    </InlineStack>
                  )}
                </InlineStack>
              </div>
              {data.setups.length ? (
                data.setups.map((s) => <SetupRow key={s.countryCode} setup={s} templates={data.templates} selected={params.get("country") === s.countryCode} />)
              ) : (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    {m.countries.empty}
                  </Text>
                </div>
              )}
            </Card>
            {data.selected && <Counties data={data} />}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
