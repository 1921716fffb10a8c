// The sync log: runs and their entries, filtered by run, level and code, each code explained in a sentence; the
// background jobs that failed after all their attempts, each with its error and "Try again"; and the customer data
// requests Shopify sent, for download.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Collapsible, DataTable, IndexTable, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { LOG_CODES } from "../sync/codes";
import { LevelBadge, RunStatusBadge } from "../components/Badges";
import { downloadFile } from "../components/download";
import { ListPagination } from "../components/ListPagination";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import { LOG_PAGE_SIZE, logData } from "../ui/log.server";
import { listFailedJobs, retryFailedJob, type FailedJobView, type RetryRefusal } from "../ui/jobs.server";
import { ListEmptyState } from "../components/ListEmptyState";

const LEVELS = ["info", "warning", "skip", "error"] as const;
const CODES = Object.keys(LOG_CODES) as Array<keyof typeof LOG_CODES>;

const query = z.object({
  run: z.coerce.number().int().positive().nullable().catch(null).default(null),
  level: z.enum(LEVELS).nullable().catch(null).default(null),
  code: z.enum(CODES as [string, ...string[]]).nullable().catch(null).default(null),
  page: z.coerce.number().int().min(1).catch(1),
  q: z.string().max(200).catch("").default(""),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const q = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [log, failedJobs] = await Promise.all([logData(shop, q), listFailedJobs(shop)]);
  return json({ ...log, failedJobs, ...q, pageSize: LOG_PAGE_SIZE });
};

const actionInput = z.discriminatedUnion("intent", [
  // Digits only: a job id is never 0x1, 1e0 or " 1".
  z.object({ intent: z.literal("retryJob"), jobId: z.string().regex(/^[1-9]\d{0,9}$/, "jobId must be a job id").transform(Number) }),
]);

type Result =
  | { intent: "retryJob"; ok: true; jobId: number }
  | { intent: "retryJob"; ok: false; jobId: number; reason: RetryRefusal; error: string }
  | { intent: "invalid"; ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<Result>({ intent: "invalid", ok: false, error: parsed.error.issues[0]?.message ?? "invalid" }, { status: 400 });
  const r = await retryFailedJob(shop, parsed.data.jobId);
  return json<Result>(r.ok ? { intent: "retryJob", ok: true, jobId: r.id } : { intent: "retryJob", ok: false, jobId: parsed.data.jobId, reason: r.reason, error: r.error });
};

/** The failed background jobs of the shop, newest first, each with its error in full and "Try again". */
function FailedJobs({ jobs, total }: { jobs: FailedJobView[]; total: number }) {
  const { m, fmt, dateTime, number } = useI18n();
  const t = m.log.failedJobs;
  const fetcher = useFetcher<Result>();
  const r = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (!r) return;
    if (r.ok && r.intent === "retryJob") toast(fmt(t.retried, { id: r.jobId }));
    else if (!r.ok) toast(r.intent === "retryJob" ? (t.refused[r.reason] ?? r.error) : r.error, { isError: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r]);
  const pending = fetcher.state !== "idle" ? fetcher.formData?.get("jobId")?.toString() : undefined;

  const what = (j: FailedJobView) => (j.kind === "webhook" && j.topic ? fmt(t.webhook, { topic: j.topic }) : (t.kinds[j.kind] ?? j.kind));
  const about = (j: FailedJobView) => {
    if (j.customerId) return <Link to={`/app/customers?q=${encodeURIComponent(j.customerId)}`}>{fmt(t.customer, { id: j.customerId })}</Link>;
    if (j.orderId && j.orderName) return <Link to={`/app/orders?q=${encodeURIComponent(j.orderName)}`}>{fmt(t.order, { id: j.orderName })}</Link>;
    if (j.orderId) return <Text as="span">{fmt(t.order, { id: j.orderId })}</Text>;
    return <Text as="span" tone="subdued">—</Text>;
  };

  return (
    <div id="failed-jobs" data-testid="failed-jobs">
      <Card padding="0">
        <div style={{ padding: "var(--p-space-400)" }}>
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">{t.title}</Text>
              {total > 0 && <Badge tone="critical">{fmt(t.total, { total: number(total) })}</Badge>}
            </InlineStack>
            <Text as="p" tone="subdued" variant="bodySm">{total > 0 ? t.help : t.none}</Text>
            {total > jobs.length && <Text as="p" variant="bodySm">{fmt(t.showing, { shown: number(jobs.length), total: number(total) })}</Text>}
          </BlockStack>
        </div>
        {jobs.length > 0 && (
          <IndexTable
            resourceName={{ singular: t.job, plural: t.title }}
            itemCount={jobs.length}
            selectable={false}
            headings={[{ title: t.job }, { title: t.about }, { title: t.attempts }, { title: t.failedAt }, { title: t.error }, { title: "" }]}
          >
            {jobs.map((j, index) => (
              <IndexTable.Row id={String(j.id)} key={j.id} position={index}>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">{what(j)}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">{fmt(t.created, { time: dateTime(j.createdAt) })}</Text>
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>{about(j)}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" numeric>{`${number(j.attempts)} / ${number(j.maxAttempts)}`}</Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" variant="bodySm">{dateTime(j.failedAt)}</Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxWidth: 560 }} data-testid="failed-job-error" data-job-id={j.id}>
                    <Text as="span" tone="critical">{j.lastError}</Text>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {j.cannotRetry ? (
                    <div style={{ whiteSpace: "normal", maxWidth: 220 }}>
                      <Text as="span" tone="subdued" variant="bodySm">{t.refused[j.cannotRetry]}</Text>
                    </div>
                  ) : (
                    <Button
                      size="slim"
                      loading={pending === String(j.id)}
                      disabled={pending !== undefined}
                      onClick={() => fetcher.submit({ intent: "retryJob", jobId: String(j.id) }, { method: "post" })}
                    >
                      {t.tryAgain}
                    </Button>
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </div>
  );
}

export default function SyncLog() {
  const data = useLoaderData<typeof loader>();
  const { m, fmt, dateTime, number } = useI18n();
  const navigation = useNavigation();
  const [params, setParams] = useSearchParams();
  const [showCodes, setShowCodes] = useState(false);
  const [search, setSearch] = useState(data.q);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const setParam = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete("page");
    setParams(next, { preventScrollReset: true });
  };

  const runOptions = [
    { value: "", label: m.log.allRuns },
    ...data.runs.map((r) => ({ value: String(r.id), label: `${fmt(m.log.run, { id: r.id })} · ${m.runKinds[r.kind] ?? r.kind} · ${dateTime(r.startedAt)}` })),
    ...(data.run && !data.runs.some((r) => r.id === data.run) ? [{ value: String(data.run), label: fmt(m.log.run, { id: data.run }) }] : []),
  ];
  const levelOptions = [{ value: "", label: m.log.allLevels }, ...LEVELS.map((l) => ({ value: l, label: m.log.levels[l] }))];
  const codeOptions = [
    { value: "", label: m.log.allCodes },
    ...CODES.map((c) => ({ value: c, label: `${c}${data.codeCounts[c] ? ` (${number(data.codeCounts[c])})` : ""}` })),
  ];

  const run = data.selectedRun;
  const rows = data.entries.map((e, index) => (
    <IndexTable.Row id={String(e.id)} key={e.id} position={index}>
      <IndexTable.Cell>
        <Text as="span" variant="bodySm">{dateTime(e.createdAt)}</Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <LevelBadge level={e.level} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={{ whiteSpace: "normal", maxWidth: 320 }}>
          <BlockStack gap="050">
            <Text as="span" fontWeight="semibold">{e.code}</Text>
            <Text as="span" tone="subdued" variant="bodySm">{m.codes[e.code] ?? ""}</Text>
          </BlockStack>
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={{ whiteSpace: "normal", maxWidth: 480 }}>
          <Text as="span">{e.message}</Text>
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {e.shopifyCustomerId && (
          <Link to={`/app/customers?q=${encodeURIComponent(e.shopifyCustomerId.replace(/^.*\//, ""))}`}>{e.shopifyCustomerId.replace(/^.*\//, "")}</Link>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>{e.erpCustomerNo && <Link to={`/app/erp/${encodeURIComponent(e.erpCustomerNo)}`}>{e.erpCustomerNo}</Link>}</IndexTable.Cell>
      <IndexTable.Cell>{e.runId && <Link to={`?run=${e.runId}`}>{e.runId}</Link>}</IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page title={m.log.title} backAction={{ content: m.nav.home, url: "/app" }} fullWidth>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <FailedJobs jobs={data.failedJobs.jobs} total={data.failedJobs.total} />
            {run && (
              <Card>
                <BlockStack gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {fmt(m.log.run, { id: run.id })} · {m.runKinds[run.kind] ?? run.kind}
                    </Text>
                    <RunStatusBadge status={run.status} />
                    <Text as="span" tone="subdued">
                      {m.triggers[run.trigger] ?? run.trigger} · {dateTime(run.startedAt)}
                    </Text>
                  </InlineStack>
                  <InlineStack gap="400">
                    {(["read", "created", "updated", "linked", "exported", "skipped", "failed"] as const).map((k) => (
                      <Text as="span" key={k}>
                        {m.counts[k]}: <Text as="span" fontWeight="semibold">{number(run[k])}</Text>
                      </Text>
                    ))}
                  </InlineStack>
                  {run.message && <Text as="p" tone="critical">{run.message}</Text>}
                </BlockStack>
              </Card>
            )}
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <InlineGrid columns={{ xs: 1, md: 4 }} gap="300">
                  <Select label={m.log.runs} options={runOptions} value={data.run ? String(data.run) : ""} onChange={(v) => setParam("run", v)} />
                  <Select label={m.log.level} options={levelOptions} value={data.level ?? ""} onChange={(v) => setParam("level", v)} />
                  <Select label={m.log.code} options={codeOptions} value={data.code ?? ""} onChange={(v) => setParam("code", v)} />
                  <TextField
                    label={m.common.search}
                    value={search}
                    autoComplete="off"
                    clearButton
                    onClearButtonClick={() => {
                      setSearch("");
                      setParam("q", "");
                    }}
                    onChange={(v) => {
                      setSearch(v);
                      if (timer.current) clearTimeout(timer.current);
                      timer.current = setTimeout(() => setParam("q", v.trim()), 300);
                    }}
                  />
                </InlineGrid>
                {data.code && (
                  <div style={{ marginTop: "var(--p-space-300)" }}>
                    <InlineStack gap="200" blockAlign="center">
                      <LevelBadge level={LOG_CODES[data.code as keyof typeof LOG_CODES]} />
                      <Text as="p">{m.codes[data.code]}</Text>
                    </InlineStack>
                  </div>
                )}
              </div>
              <IndexTable
                resourceName={{ singular: m.log.entries, plural: m.log.entries }}
                itemCount={data.entries.length}
                selectable={false}
                loading={navigation.state === "loading"}
                emptyState={
                  <ListEmptyState text={m.log.noEntries} />
                }
                headings={[
                  { title: m.log.time },
                  { title: m.log.level },
                  { title: m.log.code },
                  { title: m.log.message },
                  { title: m.log.shopifyCustomer },
                  { title: m.log.erpCustomer },
                  { title: m.home.kind },
                ]}
              >
                {rows}
              </IndexTable>
              <div style={{ padding: "var(--p-space-300)" }}>
                <ListPagination page={data.page} pageSize={data.pageSize} total={data.total} />
              </div>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">{m.log.codesTitle}</Text>
                  <Button variant="plain" onClick={() => setShowCodes((s) => !s)} ariaExpanded={showCodes} ariaControls="log-codes">
                    {showCodes ? m.common.close : m.log.codesTitle}
                  </Button>
                </InlineStack>
                <Collapsible id="log-codes" open={showCodes}>
                  <BlockStack gap="300">
                    {CODES.map((c) => (
                      <BlockStack gap="050" key={c}>
                        <InlineStack gap="200" blockAlign="center">
                          <Text as="span" fontWeight="semibold">{c}</Text>
                          <LevelBadge level={LOG_CODES[c]} />
                        </InlineStack>
                        <Text as="p" tone="subdued" variant="bodySm">{m.codes[c]}</Text>
                      </BlockStack>
                    ))}
                  </BlockStack>
                </Collapsible>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{m.log.runs}</Text>
                {data.runs.length ? (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric"]}
                    headings={[m.home.kind, m.common.status, m.counts.read]}
                    rows={data.runs.slice(0, 10).map((r) => [
                      <Link key="r" to={`?run=${r.id}`}>
                        {m.runKinds[r.kind] ?? r.kind} · {dateTime(r.startedAt)}
                      </Link>,
                      <RunStatusBadge key="s" status={r.status} />,
                      number(r.read),
                    ])}
                  />
                ) : (
                  <Text as="p" tone="subdued">{m.home.noRuns}</Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{m.log.dataRequests}</Text>
                <Text as="p" tone="subdued" variant="bodySm">{m.log.dataRequestsHelp}</Text>
                {data.dataRequests.length ? (
                  data.dataRequests.map((d) => (
                    <InlineStack key={d.id} align="space-between" blockAlign="center">
                      <BlockStack gap="050">
                        <Text as="span">{d.shopifyCustomerId.replace(/^.*\//, "")}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">{dateTime(d.createdAt)}</Text>
                      </BlockStack>
                      <Button
                        size="slim"
                        onClick={() => downloadFile(`/app/data-requests/${d.id}`, `data-request-${d.id}.json`).catch((e) => toast(String(e.message), { isError: true }))}
                      >
                        {m.log.download}
                      </Button>
                    </InlineStack>
                  ))
                ) : (
                  <Badge>{m.log.noDataRequests}</Badge>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
