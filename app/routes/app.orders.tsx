// Imported orders with the sell-to and bill-to customers the app chose and why; a person picks the customer of an
// order that needs one (never overwritten afterwards). "Import orders" catches up on missed webhooks.
import { useEffect, useRef, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, IndexTable, InlineStack, Modal, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import prisma from "../db.server";
import { sync } from "../sync/service.server";
import { ErpCustomerPicker } from "../components/ErpCustomerPicker";
import { ListFilters } from "../components/ListFilters";
import { ListEmptyState } from "../components/ListEmptyState";
import { ListPagination } from "../components/ListPagination";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import { ORDER_FILTERS, PAGE_SIZE } from "../ui/lists";
import { listOrders, startOrderImport } from "../ui/orders.server";

const listQuery = z.object({
  q: z.string().max(200).default(""),
  filter: z.enum(ORDER_FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).catch(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const query = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, importJob] = await Promise.all([
    listOrders(shop, query),
    prisma.job.findFirst({ where: { shop, kind: "importOrders", status: { in: ["queued", "running"] } }, select: { id: true } }),
  ]);
  return json({ ...list, ...query, pageSize: PAGE_SIZE, importJobId: importJob?.id ?? null });
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("assign"),
    orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/),
    sellTo: z.string().trim().min(1).max(20),
    billTo: z.string().trim().max(20).default(""),
  }),
  z.object({ intent: z.literal("importOrders") }),
]);

type Result =
  | { intent: "assign"; ok: boolean; name?: string; no?: string; error?: string; field?: "sellTo" | "billTo" }
  | { intent: "importOrders"; ok: true; jobId: number; started: boolean }
  | { intent: "invalid"; ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<Result>({ intent: "invalid", ok: false, error: parsed.error.issues[0]?.message ?? "invalid" }, { status: 400 });
  const a = parsed.data;
  if (a.intent === "importOrders") return json<Result>({ intent: "importOrders", ok: true, ...(await startOrderImport(shop)) });
  if (a.billTo && !(await prisma.erpCustomer.findUnique({ where: { shop_no: { shop, no: a.billTo } } })))
    return json<Result>({ intent: "assign", ok: false, field: "billTo", no: a.billTo, error: `There is no ERP customer ${a.billTo}.` });
  try {
    const order = await sync.assignOrderCustomer(shop, a.orderId, a.sellTo);
    if (a.billTo && a.billTo !== a.sellTo) await prisma.importedOrder.update({ where: { shop_shopifyId: { shop, shopifyId: a.orderId } }, data: { billToCustomerNo: a.billTo } });
    return json<Result>({ intent: "assign", ok: true, name: order.name, no: a.sellTo });
  } catch (e) {
    return json<Result>({ intent: "assign", ok: false, field: "sellTo", no: a.sellTo, error: (e as Error).message });
  }
};

export default function ImportedOrders() {
  const data = useLoaderData<typeof loader>();
  const { m, fmt, dateTime, country } = useI18n();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const fetcher = useFetcher<Result>();
  const [assigning, setAssigning] = useState<{ id: string; name: string; sellTo: string; billTo: string } | null>(null);
  const importing = useRef<number | null>(data.importJobId);

  const r = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (r?.intent === "assign" && r.ok) {
      toast(fmt(m.orders.assigned, { name: r.name, no: r.no }));
      setAssigning(null);
    }
    if (r?.intent === "importOrders") {
      toast(m.orders.importStarted);
      importing.current = r.jobId;
      revalidator.revalidate();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r]);
  // While an import runs, refresh the list; when it ends, say so.
  useEffect(() => {
    if (data.importJobId === null) {
      if (importing.current !== null) {
        importing.current = null;
        toast(m.orders.importDone);
      }
      return;
    }
    importing.current = data.importJobId;
    const t = setTimeout(() => revalidator.revalidate(), 1000);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);

  const customer = (no: string, name: string) =>
    no ? (
      <BlockStack gap="050">
        <Link to={`/app/erp/${encodeURIComponent(no)}`}>{no}</Link>
        <Text as="span" tone="subdued" variant="bodySm">{name}</Text>
      </BlockStack>
    ) : (
      <Text as="span" tone="subdued">—</Text>
    );

  const rows = data.rows.map((o, index) => (
    <IndexTable.Row id={o.shopifyId} key={o.shopifyId} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">{o.name}</Text>
          <Text as="span" tone="subdued" variant="bodySm">{o.guest ? m.orders.guest : o.email}</Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{dateTime(o.createdAt)}</IndexTable.Cell>
      <IndexTable.Cell>{customer(o.sellToCustomerNo, o.sellToName)}</IndexTable.Cell>
      <IndexTable.Cell>{customer(o.billToCustomerNo, o.billToName)}</IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span">{o.shipTo.name || o.billTo.name}</Text>
          <Text as="span" tone="subdued" variant="bodySm">
            {[o.shipTo.city || o.billTo.city, country(o.shipTo.countryCode || o.billTo.countryCode)].filter(Boolean).join(", ")}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          <Badge tone={o.status === "needsCustomer" ? "warning" : "success"}>{m.orders.status[o.status] ?? o.status}</Badge>
          {o.manual && <Badge tone="magic">{m.orders.manual}</Badge>}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={{ whiteSpace: "normal", minWidth: 240, maxWidth: 360 }}>
          <Text as="span" tone="subdued" variant="bodySm">{o.reason}</Text>
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="200" wrap={false}>
          <Button
            size="slim"
            variant={o.status === "needsCustomer" ? "primary" : "secondary"}
            onClick={() => setAssigning({ id: o.shopifyId, name: o.name, sellTo: o.sellToCustomerNo, billTo: o.billToCustomerNo !== o.sellToCustomerNo ? o.billToCustomerNo : "" })}
          >
            {m.orders.assign}
          </Button>
          <Button size="slim" variant="plain" url={`shopify:admin/orders/${o.numericId}`} target="_top">
            {m.common.openInShopify}
          </Button>
        </InlineStack>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  const assignError = (field: "sellTo" | "billTo") =>
    r?.intent === "assign" && !r.ok && r.field === field ? (/no ERP customer/i.test(r.error ?? "") ? fmt(m.settings.errors.unknownCustomer, { no: r.no }) : r.error) : undefined;

  return (
    <Page
      title={m.orders.title}
      backAction={{ content: m.nav.home, url: "/app" }}
      primaryAction={{
        content: m.orders.importOrders,
        loading: data.importJobId !== null || (fetcher.state !== "idle" && fetcher.formData?.get("intent") === "importOrders"),
        onAction: () => fetcher.submit({ intent: "importOrders" }, { method: "post" }),
      }}
      fullWidth
    >
      <Card padding="0">
        <ListFilters filters={ORDER_FILTERS} labels={m.orders.filters} placeholder={m.common.search} loading={navigation.state === "loading"} />
        <IndexTable
          resourceName={{ singular: m.orders.columns.order, plural: m.orders.title }}
          itemCount={data.rows.length}
          selectable={false}
          emptyState={
            <ListEmptyState text={data.q || data.filter !== "all" ? m.common.noResults : m.orders.empty} />
          }
          headings={[
            { title: m.orders.columns.order },
            { title: m.orders.columns.date },
            { title: m.orders.columns.sellTo },
            { title: m.orders.columns.billTo },
            { title: m.orders.columns.shipTo },
            { title: m.orders.columns.status },
            { title: m.orders.columns.reason },
            { title: m.common.actions },
          ]}
        >
          {rows}
        </IndexTable>
        <div style={{ padding: "var(--p-space-300)" }}>
          <ListPagination page={data.page} pageSize={data.pageSize} total={data.total} />
        </div>
      </Card>
      <Modal
        open={assigning !== null}
        onClose={() => setAssigning(null)}
        title={assigning ? fmt(m.orders.assignTitle, { name: assigning.name }) : ""}
        primaryAction={{
          content: m.orders.assign,
          disabled: !assigning?.sellTo,
          loading: fetcher.state !== "idle",
          onAction: () => assigning && fetcher.submit({ intent: "assign", orderId: assigning.id, sellTo: assigning.sellTo, billTo: assigning.billTo }, { method: "post" }),
        }}
        secondaryActions={[{ content: m.common.cancel, onAction: () => setAssigning(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{m.orders.assignHelp}</Text>
            <ErpCustomerPicker id="assign-sell-to" label={m.orders.sellTo} value={assigning?.sellTo ?? ""} onChange={(v) => setAssigning((a) => (a ? { ...a, sellTo: v } : a))} error={assignError("sellTo")} />
            <ErpCustomerPicker id="assign-bill-to" label={m.orders.billTo} value={assigning?.billTo ?? ""} onChange={(v) => setAssigning((a) => (a ? { ...a, billTo: v } : a))} error={assignError("billTo")} />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
