// Shopify customers as the app knows them (its mirror): who is linked to which ERP customer and how, who needs
// attention, and the actions a person takes on them: link by hand, unlink, send an account invite, sync now.
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, IndexTable, InlineStack, Modal, Page, Text, Tooltip, useIndexResourceState } from "@shopify/polaris";
import { z } from "zod";
import { linkFromPage, sendInvitesFromPage, unlinkFromPage } from "../sync/service.server";
import { LinkSourceBadge } from "../components/Badges";
import { ErpCustomerPicker } from "../components/ErpCustomerPicker";
import { ListFilters } from "../components/ListFilters";
import { ListEmptyState } from "../components/ListEmptyState";
import { ListPagination } from "../components/ListPagination";
import { SyncProgress } from "../components/SyncProgress";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import { listShopifyCustomers, syncSelectedNow } from "../ui/customers.server";
import { CUSTOMER_FILTERS, PAGE_SIZE } from "../ui/lists";
import { activeSyncJob } from "../ui/worker.server";

const listQuery = z.object({
  q: z.string().max(200).default(""),
  filter: z.enum(CUSTOMER_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).catch(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const query = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, job] = await Promise.all([listShopifyCustomers(shop, query), activeSyncJob(shop)]);
  return json({ ...list, ...query, pageSize: PAGE_SIZE, activeJobId: job?.id ?? null });
};

const gid = z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/);
const ids = z
  .string()
  .transform((s) => s.split(",").filter(Boolean))
  .pipe(z.array(gid).min(1).max(250));

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("link"), shopifyId: gid, erpCustomerNo: z.string().trim().min(1).max(20) }),
  z.object({ intent: z.literal("unlink"), ids }),
  z.object({ intent: z.literal("invite"), ids }),
  z.object({ intent: z.literal("syncNow"), ids }),
]);

type Result =
  | { intent: "link"; ok: boolean; erpCustomerNo?: string; error?: string; busy?: boolean }
  | { intent: "unlink"; ok: true; count: number }
  | { intent: "unlinkBusy"; ok: false }
  | { intent: "invite"; ok: true; sent: number; skipped: number; status: string }
  | { intent: "inviteQueued"; ok: true; count: number }
  | { intent: "syncNow"; ok: true; count: number; jobId: number }
  | { intent: "invalid"; ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<Result>({ intent: "invalid", ok: false, error: parsed.error.issues[0]?.message ?? "invalid" }, { status: 400 });
  const a = parsed.data;
  switch (a.intent) {
    case "link":
      try {
        // In the shop's turn; refused while a Sync runs (its earlier reading could overwrite the link).
        const { busy } = await linkFromPage(shop, a.shopifyId, a.erpCustomerNo);
        if (busy) return json<Result>({ intent: "link", ok: false, erpCustomerNo: a.erpCustomerNo, busy: true });
        return json<Result>({ intent: "link", ok: true, erpCustomerNo: a.erpCustomerNo });
      } catch (e) {
        return json<Result>({ intent: "link", ok: false, erpCustomerNo: a.erpCustomerNo, error: (e as Error).message });
      }
    case "unlink": {
      const { busy } = await unlinkFromPage(shop, a.ids);
      if (busy) return json<Result>({ intent: "unlinkBusy", ok: false });
      return json<Result>({ intent: "unlink", ok: true, count: a.ids.length });
    }
    case "invite": {
      // While a Sync or another job of the shop runs, the invites are sent by a background job after it.
      const q = await sendInvitesFromPage(shop, a.ids);
      if (q.queued) return json<Result>({ intent: "inviteQueued", ok: true, count: q.count });
      const r = q.summary;
      return json<Result>({ intent: "invite", ok: true, sent: r.counts.read - r.counts.skipped - r.counts.failed, skipped: r.counts.skipped + r.counts.failed, status: r.status });
    }
    case "syncNow": {
      const r = await syncSelectedNow(shop, a.ids);
      return json<Result>({ intent: "syncNow", ok: true, count: r.marked, jobId: r.jobId });
    }
  }
};

export default function ShopifyCustomers() {
  const data = useLoaderData<typeof loader>();
  const { m, fmt, number, country } = useI18n();
  const navigation = useNavigation();
  const fetcher = useFetcher<Result>();
  const [linking, setLinking] = useState<{ id: string; name: string } | null>(null);
  const [linkNo, setLinkNo] = useState("");
  const [jobId, setJobId] = useState<number | null>(data.activeJobId);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    data.rows as unknown as Array<{ [key: string]: unknown }>,
    { resourceIDResolver: (r) => String(r.shopifyId) },
  );

  const r = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (!r) return;
    if (r.intent === "link" && r.ok) {
      toast(fmt(m.customers.linked, { no: r.erpCustomerNo }));
      setLinking(null);
    }
    if (r.intent === "unlink") toast(fmt(m.customers.unlinked, { count: number(r.count) }));
    if (r.intent === "unlinkBusy") toast(m.customers.busy, { isError: true });
    if (r.intent === "inviteQueued") toast(fmt(m.customers.invitesQueued, { count: number(r.count) }));
    if (r.intent === "invite") toast(fmt(m.customers.invitesSent, { sent: number(r.sent), skipped: number(r.skipped) }), { isError: r.skipped > 0 && r.sent === 0 });
    if (r.intent === "syncNow") {
      toast(fmt(m.customers.syncQueued, { count: number(r.count) }));
      setJobId(r.jobId);
    }
    if (r.ok) clearSelection();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r]);

  const nameOf = (c: (typeof data.rows)[number]) => [c.firstName, c.lastName].filter(Boolean).join(" ") || c.company || c.email || m.customers.noName;
  const selectedIds = allResourcesSelected ? data.rows.map((c) => c.shopifyId) : selectedResources;
  const run = (intent: string) => fetcher.submit({ intent, ids: selectedIds.join(",") }, { method: "post" });
  const openLink = (id: string) => {
    const c = data.rows.find((x) => x.shopifyId === id);
    setLinkNo(c?.erpCustomerNo ?? "");
    setLinking({ id, name: c ? nameOf(c) : id });
  };

  const rows = data.rows.map((c, index) => (
    <IndexTable.Row id={c.shopifyId} key={c.shopifyId} position={index} selected={selectedResources.includes(c.shopifyId)}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">
            {nameOf(c)}
          </Text>
          {c.company && c.company !== nameOf(c) && (
            <Text as="span" tone="subdued" variant="bodySm">
              {c.company}
            </Text>
          )}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{c.email}</IndexTable.Cell>
      <IndexTable.Cell>{c.phone}</IndexTable.Cell>
      <IndexTable.Cell>{c.countryCode ? `${c.city ? c.city + ", " : ""}${country(c.countryCode)}` : ""}</IndexTable.Cell>
      <IndexTable.Cell>
        {c.erpCustomerNo ? (
          <BlockStack gap="050">
            <Link to={`/app/erp/${encodeURIComponent(c.erpCustomerNo)}`} onClick={(e) => e.stopPropagation()}>
              {c.erpCustomerNo}
            </Link>
            <Text as="span" tone="subdued" variant="bodySm">
              {c.erpCustomerName}
            </Text>
          </BlockStack>
        ) : (
          <Text as="span" tone="subdued">
            —
          </Text>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          <LinkSourceBadge source={c.erpCustomerNo ? c.linkSource : ""} />
          {c.deletedInShopify && <Badge tone="critical">{m.customers.deleted}</Badge>}
          {c.needsMatch && !c.deletedInShopify && <Badge tone="attention">{m.customers.waitingForMatch}</Badge>}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {c.issue && (
          <Tooltip content={c.issue.message || m.codes[c.issue.code]}>
            <div style={{ whiteSpace: "normal", maxWidth: 300 }}>
              <BlockStack gap="050" inlineAlign="start">
                <Badge tone={c.issue.level === "warning" ? "warning" : "critical"}>{c.issue.code}</Badge>
                <Text as="span" tone="subdued" variant="bodySm">
                  {m.codes[c.issue.code]}
                </Text>
              </BlockStack>
            </div>
          </Tooltip>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div onClick={(e) => e.stopPropagation()}>
          <InlineStack gap="200" wrap={false}>
            {!c.deletedInShopify && (
              <Button size="slim" onClick={() => openLink(c.shopifyId)}>
                {m.customers.linkByHand}
              </Button>
            )}
            {!c.deletedInShopify && (
              <Button size="slim" variant="plain" url={`shopify:admin/customers/${c.numericId}`} target="_top">
                {m.common.openInShopify}
              </Button>
            )}
          </InlineStack>
        </div>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  const busy = fetcher.state !== "idle";
  return (
    <Page title={m.customers.title} backAction={{ content: m.nav.home, url: "/app" }} fullWidth>
      <BlockStack gap="400">
        {jobId !== null && (
          <SyncProgress
            jobId={jobId}
            onDone={(p) => {
              setJobId(null);
              if (p.run) toast(fmt(m.home.syncFinished, { created: p.run.created, updated: p.run.updated, skipped: p.run.skipped }));
            }}
          />
        )}
        <Card padding="0">
          <ListFilters filters={CUSTOMER_FILTERS} labels={m.customers.filters} placeholder={m.customers.searchPlaceholder} loading={navigation.state === "loading"} />
          <IndexTable
            resourceName={{ singular: m.common.customer, plural: m.customers.title }}
            itemCount={data.rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            loading={busy}
            emptyState={
              <ListEmptyState text={data.q || data.filter !== "all" ? m.common.noResults : m.customers.empty} />
            }
            headings={[
              { title: m.customers.columns.name },
              { title: m.customers.columns.email },
              { title: m.customers.columns.phone },
              { title: m.customers.columns.country },
              { title: m.customers.columns.erp },
              { title: m.customers.columns.how },
              { title: m.customers.columns.issue },
              { title: m.common.actions },
            ]}
            promotedBulkActions={[
              {
                content: m.customers.linkByHand,
                onAction: () => (selectedIds.length === 1 ? openLink(selectedIds[0]) : toast(m.customers.selectOne, { isError: true })),
              },
              { content: m.customers.syncNow, onAction: () => run("syncNow") },
            ]}
            bulkActions={[
              { content: m.customers.unlink, onAction: () => run("unlink") },
              { content: m.customers.sendInvite, onAction: () => run("invite") },
            ]}
          >
            {rows}
          </IndexTable>
          <div style={{ padding: "var(--p-space-300)" }}>
            <ListPagination page={data.page} pageSize={data.pageSize} total={data.total} />
          </div>
        </Card>
      </BlockStack>
      <Modal
        open={linking !== null}
        onClose={() => setLinking(null)}
        title={linking ? fmt(m.customers.linkTitle, { name: linking.name }) : ""}
        primaryAction={{
          content: m.customers.linkByHand,
          disabled: !linkNo,
          loading: busy,
          onAction: () => linking && fetcher.submit({ intent: "link", shopifyId: linking.id, erpCustomerNo: linkNo }, { method: "post" }),
        }}
        secondaryActions={[{ content: m.common.cancel, onAction: () => setLinking(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{m.customers.linkHelp}</Text>
            <ErpCustomerPicker
              id="link-erp-customer"
              label={m.customers.linkChoose}
              value={linkNo}
              onChange={setLinkNo}
              error={r?.intent === "link" && !r.ok ? (r.busy ? m.customers.busy : /no ERP customer/i.test(r.error ?? "") ? fmt(m.settings.errors.unknownCustomer, { no: r.erpCustomerNo }) : r.error) : undefined}
            />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
