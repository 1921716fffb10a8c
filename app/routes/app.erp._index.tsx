// ERP customers: the customer master the app keeps, with "Add to Shopify" for the selected customers, and the
// master in and out as CSV (import with a per-line report).
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, unstable_parseMultipartFormData, unstable_createMemoryUploadHandler } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, Checkbox, DropZone, IndexTable, List, Modal, Page, Text, useIndexResourceState } from "@shopify/polaris";
import { z } from "zod";
import prisma from "../db.server";
import { importErpCsv } from "../erp/csv";
import { addToShopifyFromPage } from "../sync/service.server";
import { downloadFile } from "../components/download";
import { ListFilters } from "../components/ListFilters";
import { ListEmptyState } from "../components/ListEmptyState";
import { ListPagination } from "../components/ListPagination";
import { toast } from "../components/toast";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";
import { listErpCustomers } from "../ui/erp.server";
import { ERP_FILTERS as FILTERS, PAGE_SIZE } from "../ui/lists";
import { runIssues } from "../ui/log.server";

const listQuery = z.object({
  q: z.string().max(200).default(""),
  filter: z.enum(FILTERS).catch("all"),
  page: z.coerce.number().int().min(1).catch(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const query = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ ...(await listErpCustomers(shop, query)), ...query, pageSize: PAGE_SIZE });
};

const MAX_CSV_BYTES = 20 * 1024 * 1024;

const addInput = z.object({
  intent: z.literal("addToShopify"),
  nos: z.string().transform((s) => (s === "*" ? ("all" as const) : s.split("\n").map((x) => x.trim()).filter(Boolean))),
});

type Result =
  | { intent: "addToShopifyQueued"; ok: true; count: number; reason: "large" | "busy" }
  | { intent: "addToShopify"; ok: boolean; runId: number; status: string; exported: number; linked: number; skipped: number; issues: Array<{ no: string; code: string; message: string }> }
  | { intent: "import"; ok: boolean; imported: number; errors: Array<{ line: number; message: string }> }
  | { intent: "invalid"; ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_CSV_BYTES }));
    const file = form.get("file");
    if (!(file instanceof Blob)) return json<Result>({ intent: "invalid", ok: false, error: "file is required" }, { status: 400 });
    const r = await importErpCsv(prisma, shop, new Uint8Array(await file.arrayBuffer()), { skipBadRows: form.get("skipBadRows") === "true" });
    return json<Result>({ intent: "import", ok: r.errors.length === 0, imported: r.imported, errors: r.errors.slice(0, 200) });
  }
  const parsed = addInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<Result>({ intent: "invalid", ok: false, error: parsed.error.issues[0]?.message ?? "invalid" }, { status: 400 });
  // A large selection, or one made while a Sync or another job of the shop runs, is added by a background job.
  const r = await addToShopifyFromPage(shop, parsed.data.nos);
  if (r.queued) return json<Result>({ intent: "addToShopifyQueued", ok: true, count: r.count, reason: r.reason });
  const summary = r.summary;
  const issues = await runIssues(shop, summary.runId, 50);
  return json<Result>({
    intent: "addToShopify",
    ok: summary.status !== "failed",
    runId: summary.runId,
    status: summary.status,
    exported: summary.counts.exported,
    linked: summary.counts.linked,
    skipped: summary.counts.skipped + summary.counts.failed,
    issues: issues.map((i) => ({ no: i.erpCustomerNo, code: i.code, message: i.message })),
  });
};

export default function ErpCustomers() {
  const data = useLoaderData<typeof loader>();
  const { m, fmt, number, locale } = useI18n();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const deleted = params.get("deleted");
  useEffect(() => {
    if (deleted) toast(fmt(m.erpCard.deleted, { no: deleted }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [deleted]);
  const revalidator = useRevalidator();
  const fetcher = useFetcher<Result>();
  const importer = useFetcher<Result>();
  const [importOpen, setImportOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [skipBadRows, setSkipBadRows] = useState(false);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    data.rows as unknown as Array<{ [key: string]: unknown }>,
    { resourceIDResolver: (r) => String(r.no) },
  );

  const added = fetcher.state === "idle" && fetcher.data?.intent === "addToShopify" ? fetcher.data : null;
  useEffect(() => {
    if (!added) return;
    toast(fmt(m.erp.addedToShopify, { exported: number(added.exported), linked: number(added.linked), skipped: number(added.skipped) }), { isError: !added.ok });
    clearSelection();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [added]);
  const queued = fetcher.state === "idle" && fetcher.data?.intent === "addToShopifyQueued" ? fetcher.data : null;
  useEffect(() => {
    if (!queued) return;
    toast(fmt(queued.reason === "busy" ? m.erp.addQueuedBusy : m.erp.addQueued, { count: number(queued.count) }));
    clearSelection();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queued]);
  const imported = importer.state === "idle" && importer.data?.intent === "import" ? importer.data : null;
  useEffect(() => {
    if (!imported) return;
    if (imported.imported) toast(fmt(m.erp.imported, { count: number(imported.imported) }));
    if (!imported.errors.length) {
      setImportOpen(false);
      setFile(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [imported]);

  const addSelected = () => {
    const nos = allResourcesSelected ? "*" : selectedResources.join("\n");
    fetcher.submit({ intent: "addToShopify", nos }, { method: "post" });
  };
  const exportCsv = async () => {
    try {
      await downloadFile(`/app/erp-export?delimiter=${locale === "sv" ? "%3B" : ","}`, "erp-customers.csv");
    } catch (e) {
      toast(String((e as Error).message), { isError: true });
    }
  };
  const startImport = () => {
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    form.append("skipBadRows", String(skipBadRows));
    importer.submit(form, { method: "post", encType: "multipart/form-data" });
  };

  const rows = data.rows.map((c, index) => (
    <IndexTable.Row id={c.no} key={c.no} position={index} selected={selectedResources.includes(c.no)}>
      <IndexTable.Cell>
        <Link to={`/app/erp/${encodeURIComponent(c.no)}`} onClick={(e) => e.stopPropagation()}>
          {c.no}
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">
            {c.name}
          </Text>
          {c.name2 && (
            <Text as="span" tone="subdued" variant="bodySm">
              {c.name2}
            </Text>
          )}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{c.email}</IndexTable.Cell>
      <IndexTable.Cell>{c.phoneNo}</IndexTable.Cell>
      <IndexTable.Cell>{c.city}</IndexTable.Cell>
      <IndexTable.Cell>{c.countryCode}</IndexTable.Cell>
      <IndexTable.Cell>
        {c.inShopify ? <Badge tone="success">{m.erp.inShopify}</Badge> : <Badge>{m.erp.notInShopify}</Badge>}
        {c.blocked && <Badge tone="critical">{m.erp.blocked}</Badge>}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  const busy = fetcher.state !== "idle";
  return (
    <Page
      title={m.erp.title}
      backAction={{ content: m.nav.home, url: "/app" }}
      primaryAction={{ content: m.erp.newCustomer, url: "/app/erp/new" }}
      secondaryActions={[
        { content: m.erp.importCsv, onAction: () => setImportOpen(true) },
        { content: m.erp.exportCsv, onAction: exportCsv },
      ]}
      fullWidth
    >
      <BlockStack gap="400">
        {added && (added.issues.length > 0 || !added.ok) && (
          <Banner tone={added.ok ? "warning" : "critical"} title={m.erp.lastExport} onDismiss={() => revalidator.revalidate()}>
            <BlockStack gap="200">
              <Text as="p">{fmt(m.erp.addedToShopify, { exported: number(added.exported), linked: number(added.linked), skipped: number(added.skipped) })}</Text>
              <List>
                {added.issues.map((i, k) => (
                  <List.Item key={k}>
                    <Text as="span" fontWeight="semibold">
                      {i.no}
                    </Text>{" "}
                    <Badge>{i.code}</Badge> {m.codes[i.code] ?? ""} <Text as="span" tone="subdued">{i.message}</Text>
                  </List.Item>
                ))}
              </List>
              <Link to={`/app/log?run=${added.runId}`}>{m.home.viewLog}</Link>
            </BlockStack>
          </Banner>
        )}
        <Card padding="0">
          <ListFilters filters={FILTERS} labels={m.erp.filters} placeholder={m.erp.searchPlaceholder} loading={navigation.state === "loading"} />
          <IndexTable
            resourceName={{ singular: m.common.customer, plural: m.erp.title }}
            itemCount={data.rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            loading={busy}
            emptyState={
              <ListEmptyState text={data.q || data.filter !== "all" ? m.common.noResults : m.erp.empty} />
            }
            headings={[
              { title: m.erp.columns.no },
              { title: m.erp.columns.name },
              { title: m.erp.columns.email },
              { title: m.erp.columns.phone },
              { title: m.erp.columns.city },
              { title: m.erp.columns.country },
              { title: m.erp.columns.shopify },
            ]}
            promotedBulkActions={[{ content: m.erp.addToShopify, onAction: addSelected }]}
          >
            {rows}
          </IndexTable>
          <div style={{ padding: "var(--p-space-300)" }}>
            <ListPagination page={data.page} pageSize={data.pageSize} total={data.total} />
          </div>
        </Card>
      </BlockStack>
      <Modal
        open={importOpen}
        onClose={() => setImportOpen(false)}
        title={m.erp.importTitle}
        primaryAction={{ content: m.erp.importButton, disabled: !file, loading: importer.state !== "idle", onAction: startImport }}
        secondaryActions={[{ content: m.common.cancel, onAction: () => setImportOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{m.erp.importHelp}</Text>
            <DropZone label={m.erp.chooseFile} accept=".csv,text/csv" type="file" allowMultiple={false} onDrop={(files) => setFile(files[0] ?? null)}>
              {file ? (
                <div style={{ padding: "var(--p-space-400)" }}>
                  <Text as="p" fontWeight="semibold">
                    {file.name}
                  </Text>
                </div>
              ) : (
                <DropZone.FileUpload actionTitle={m.erp.chooseFile} />
              )}
            </DropZone>
            <Checkbox label={m.erp.skipBadRows} checked={skipBadRows} onChange={setSkipBadRows} />
            {imported && imported.errors.length > 0 && (
              <Banner tone={imported.imported ? "warning" : "critical"} title={fmt(m.erp.importErrors, { count: number(imported.errors.length) })}>
                <List>
                  {imported.errors.map((e, k) => (
                    <List.Item key={k}>{fmt(m.erp.importLine, { line: e.line, message: e.message })}</List.Item>
                  ))}
                </List>
              </Banner>
            )}
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
