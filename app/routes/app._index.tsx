// Home: what needs a person, the "Sync customers" button with live progress, the schedule and the last runs.
import { useCallback, useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { z } from "zod";
import prisma from "../db.server";
import { saveSettings, settingsSchema } from "../sync/settings";
import { RunStatusBadge } from "../components/Badges";
import { SyncProgress } from "../components/SyncProgress";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import { homeData } from "../ui/home.server";
import type { SyncProgress as Progress } from "../ui/progress.server";
import { startSync } from "../ui/worker.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return json(await homeData(shop));
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sync") }),
  z.object({ intent: z.literal("schedule"), autoSync: settingsSchema.shape.autoSync }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ intent: "invalid" as const, error: parsed.error.issues[0]?.message ?? "invalid" }, { status: 400 });
  if (parsed.data.intent === "sync") {
    const { job, started } = await startSync(shop, "manual");
    return json({ intent: "sync" as const, jobId: job.id, started });
  }
  await saveSettings(prisma, shop, { autoSync: parsed.data.autoSync });
  return json({ intent: "schedule" as const, ok: true });
};

function duration(start: string, end: string | null) {
  if (!end) return "";
  const s = Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { m, fmt, number, dateTime, country } = useI18n();
  const submit = useSubmit();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const schedule = useFetcher<typeof action>();
  const [jobId, setJobId] = useState<number | null>(data.activeJobId);

  useEffect(() => {
    if (actionData?.intent === "sync") {
      setJobId(actionData.jobId);
      toast(actionData.started ? m.home.syncStarted : m.home.syncAlreadyRunning);
    }
  }, [actionData, m]);
  useEffect(() => {
    if (schedule.state === "idle" && schedule.data?.intent === "schedule") toast(m.home.scheduleSaved);
  }, [schedule.state, schedule.data, m]);

  const onDone = useCallback(
    (p: Progress) => {
      setJobId(null);
      revalidator.revalidate();
      const r = p.run;
      if (p.jobStatus === "failed" || r?.status === "failed") toast(fmt(m.home.syncFailed, { message: r?.message || p.jobError }), { isError: true });
      else if (r) toast(fmt(m.home.syncFinished, { created: r.created, updated: r.updated, skipped: r.skipped }));
    },
    [revalidator, fmt, m],
  );

  const starting = navigation.state !== "idle" && navigation.formData?.get("intent") === "sync";
  const a = data.attention;
  const banners = [
    a.authRequired && (
      <Banner key="auth" tone="critical" title={m.codes.authRequired}>
        <p>{m.home.authRequired}</p>
      </Banner>
    ),
    a.noDefaultCustomer && (
      <Banner key="default" tone="warning" action={{ content: m.home.setDefaultCustomer, url: "/app/settings" }}>
        <p>{m.home.noDefaultCustomer}</p>
      </Banner>
    ),
    a.countriesWithoutSetup.length > 0 && (
      <Banner key="countries" tone="warning" action={{ content: m.home.setUpCountries, url: "/app/countries" }}>
        <p>{fmt(m.home.countriesWithoutSetup, { countries: a.countriesWithoutSetup.map(country).join(", ") })}</p>
      </Banner>
    ),
    a.skippedLastRun > 0 && (
      <Banner key="skipped" tone="warning" action={{ content: m.home.seeSkipped, url: `/app/log?run=${a.lastSyncRunId}&level=skip` }}>
        <p>{fmt(m.home.skippedLastRun, { count: number(a.skippedLastRun) })}</p>
      </Banner>
    ),
    a.ordersNeedingCustomer > 0 && (
      <Banner key="orders" tone="warning" action={{ content: m.home.assignCustomers, url: "/app/orders?filter=needsCustomer" }}>
        <p>{fmt(m.home.ordersNeedCustomer, { count: number(a.ordersNeedingCustomer) })}</p>
      </Banner>
    ),
    a.failedJobs > 0 && (
      <Banner key="jobs" tone="critical" action={{ content: m.home.seeFailedJobs, url: "/app/log#failed-jobs" }}>
        <p>{fmt(m.home.failedJobs, { count: number(a.failedJobs) })}</p>
      </Banner>
    ),
  ].filter(Boolean);

  const rows = data.runs.map((r) => [
    dateTime(r.startedAt),
    <BlockStack key="k" gap="050">
      <Text as="span">{m.runKinds[r.kind] ?? r.kind}</Text>
      <Text as="span" tone="subdued" variant="bodySm">
        {m.triggers[r.trigger] ?? r.trigger}
      </Text>
    </BlockStack>,
    <RunStatusBadge key="s" status={r.status} />,
    number(r.read),
    number(r.created),
    number(r.updated),
    number(r.linked),
    number(r.exported),
    number(r.skipped),
    number(r.failed),
    duration(r.startedAt, r.endedAt),
    <Link key="l" to={`/app/log?run=${r.id}`}>
      {m.home.viewLog}
    </Link>,
  ]);

  return (
    <Page
      title={m.home.title}
      primaryAction={{
        content: m.home.syncButton,
        loading: starting,
        disabled: jobId !== null,
        onAction: () => submit({ intent: "sync" }, { method: "post" }),
      }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {jobId !== null && <SyncProgress jobId={jobId} onDone={onDone} />}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {m.home.attention}
                </Text>
                {banners.length ? <BlockStack gap="200">{banners}</BlockStack> : <Text as="p" tone="subdued">{m.home.allGood}</Text>}
              </BlockStack>
            </Card>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {m.home.overview}
                  </Text>
                  <Text as="p">
                    <Text as="span" fontWeight="semibold">{number(data.totals.mirrored)}</Text> {m.home.mirrored},{" "}
                    <Text as="span" fontWeight="semibold">{number(data.totals.linked)}</Text> {m.home.linkedCount}
                  </Text>
                  <Text as="p">
                    <Text as="span" fontWeight="semibold">{number(data.totals.erpCount)}</Text> {m.home.erpCount}
                  </Text>
                  <Text as="p">
                    <Text as="span" fontWeight="semibold">{number(data.totals.orderCount)}</Text> {m.home.ordersCount}
                  </Text>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {m.home.schedule}
                  </Text>
                  <Select
                    label={m.settings.fields.autoSync}
                    options={Object.entries(m.settings.options.autoSync).map(([value, label]) => ({ value, label }))}
                    value={schedule.formData?.get("autoSync")?.toString() ?? data.schedule.autoSync}
                    onChange={(autoSync) => schedule.submit({ intent: "schedule", autoSync }, { method: "post" })}
                    helpText={m.home.scheduleHelp}
                  />
                  {data.schedule.nextRun && (
                    <Text as="p" tone="subdued">
                      {fmt(m.home.nextRun, { time: dateTime(data.schedule.nextRun) })}
                    </Text>
                  )}
                  {data.schedule.lastScheduled && (
                    <Text as="p" tone="subdued">
                      {fmt(m.home.lastScheduled, { time: dateTime(data.schedule.lastScheduled) })}
                    </Text>
                  )}
                </BlockStack>
              </Card>
            </InlineGrid>
            <Card padding="0">
              <BlockStack gap="0">
                <div style={{ padding: "var(--p-space-400)" }}>
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      {m.home.lastRuns}
                    </Text>
                  </InlineStack>
                </div>
                {rows.length ? (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text", "text"]}
                    headings={[
                      m.home.started, m.home.kind, m.common.status, m.counts.read, m.counts.created, m.counts.updated, m.counts.linked,
                      m.counts.exported, m.counts.skipped, m.counts.failed, m.home.duration, "",
                    ]}
                    rows={rows}
                  />
                ) : (
                  <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                    <Text as="p" tone="subdued">
                      {m.home.noRuns}
                    </Text>
                  </div>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
