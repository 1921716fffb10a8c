// Sync customers (spec §3): one run that reads what changed in Shopify, processes each customer on its own,
// pushes linked ERP changes when asked, and moves the watermark only when the run did not fail as a whole.
import type { PrismaClient } from "@prisma/client";
import { bulkCustomers } from "../shopify/bulk";
import type { ShopifyGateway } from "../shopify/gateway";
import { bulkCustomersQuery, countCustomers, customersPaged, updatedSinceQuery } from "../shopify/operations";
import type { ShopifyCustomer } from "../shopify/types";
import { loadContext, type RunCounts, type SyncContext } from "./context";
import { processCustomer, recordsToRead, type ProcessOptions } from "./customers";
import { customerFromMirror, loadMirrors, rowOf } from "./mirror";
import { pushLinkedChanges } from "./export";
import { finishRun, saveProgress, startRun, type RunSummary, type RunTrigger } from "./runs";
import { commit, type RecordWork } from "./unit-of-work";
import { reclaimMemory } from "./memory";

/** Read overlap behind the watermark, for Shopify's search-index lag. */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/**
 * Above this many changed customers the read goes through a bulk operation. A page of customers with their
 * addresses is requested at ~1000 points, so paging 2,000 customers waits ~3 minutes on a standard bucket, while a
 * bulk read costs ~10 points whatever the size; paging stays for a few pages (no polling latency).
 */
export const BULK_THRESHOLD = 250;

export interface SyncDeps {
  db: PrismaClient;
  shop: string;
  gateway: ShopifyGateway;
}

export interface SyncOptions {
  trigger: RunTrigger;
  onProgress?: (counts: RunCounts, total: number | null) => void;
  /** Force the bulk path (benchmarks) or the paged path. */
  readMode?: "auto" | "bulk" | "paged";
}

export async function syncCustomers(deps: SyncDeps, o: SyncOptions): Promise<RunSummary> {
  const { db, shop, gateway } = deps;
  const run = await startRun(db, shop, "syncCustomers", o.trigger);
  const ctx = await loadContext(db, shop, gateway, run.id);
  ctx.onProgress = o.onProgress;
  const startedAt = run.startedAt;
  try {
    const row = await db.shopSettings.findUnique({ where: { shop } });
    await importChanged(ctx, run.id, row?.customerWatermark ?? null, o.readMode ?? "auto");
    await processMarkedForMatching(ctx);
    if (ctx.settings.canUpdateShopifyCustomers) await pushLinkedChanges(ctx);
    await db.shopSettings.upsert({
      where: { shop },
      create: { shop, customerWatermark: startedAt, authRequired: false },
      update: { customerWatermark: startedAt, authRequired: false },
    });
    return await finishRun(ctx, run.id);
  } catch (e) {
    return await finishRun(ctx, run.id, e);
  }
}

async function importChanged(ctx: SyncContext, runId: number, watermark: Date | null, readMode: "auto" | "bulk" | "paged") {
  const s = ctx.settings;
  if (s.customerImport === "none") return;
  // withOrderImport: customers arrive with orders; Sync only refreshes mirrored ones, and only to update the ERP.
  if (s.customerImport === "withOrderImport" && !s.shopifyCanUpdateCustomers) return;
  const onlyMirrored = s.customerImport === "withOrderImport";
  const gw = ctx.gateway!;
  const since = watermark ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS) : null;
  const query = updatedSinceQuery(since);
  const total = await countCustomers(gw, query);
  await saveProgress(ctx, runId, total);
  const useBulk = readMode === "bulk" || (readMode === "auto" && total > BULK_THRESHOLD);
  reclaimMemory(); // after loading the ERP index
  const pages = useBulk
    ? bulkCustomers(gw, bulkCustomersQuery(query), {
        onProblem: (p) => ctx.log.add("internal", p.message),
      })
    : customersPaged(gw, query);
  // A full collection every 1,000 customers (two pages): a page's data outlives the young generation and is
  // collected only by a full collection, ~10 MB of it per page (see memory.ts).
  let sinceCollect = 0;
  for await (const page of pages) {
    await processPage(ctx, page, { purpose: "sync" }, onlyMirrored);
    sinceCollect += page.length;
    if (sinceCollect >= 1000) {
      reclaimMemory();
      sinceCollect = 0;
    }
    await ctx.log.flush();
    await saveProgress(ctx, runId, total);
  }
}

/** Process one page of Shopify customers: the ERP records it updates read in one query, decisions in memory, writes in one transaction. */
export async function processPage(ctx: SyncContext, page: ShopifyCustomer[], o: ProcessOptions, onlyMirrored = false) {
  const mirrors = await loadMirrors(ctx.db, ctx.shop, page.map((c) => c.id));
  await ctx.erp.prefetch(recordsToRead(ctx, page.map((c) => ({ c, existing: mirrors.get(c.id) })), o));
  const work: RecordWork[] = [];
  for (const c of page) {
    ctx.counts.read++;
    const existing = mirrors.get(c.id);
    if (onlyMirrored && !existing) continue;
    try {
      const out = await processCustomer(ctx, c, existing, o);
      if (out.work.mirror || out.work.logs.length) work.push(out.work);
    } catch (e) {
      ctx.counts.failed++;
      ctx.log.add("internal", `The customer could not be processed: ${(e as Error).message}`, { shopifyCustomerId: c.id });
    }
  }
  await commit(ctx, work);
}

/** Mirror customers whose link was cleared at an ERP deletion are matched again even when unchanged in Shopify. */
async function processMarkedForMatching(ctx: SyncContext) {
  const s = ctx.settings;
  if (s.customerImport === "none") return;
  for (;;) {
    const rows = await ctx.db.mirrorCustomer.findMany({
      where: { shop: ctx.shop, needsMatch: true, deletedInShopify: false },
      select: { shopifyId: true },
      take: 500,
    });
    if (!rows.length) return;
    const mirrors = await loadMirrors(ctx.db, ctx.shop, rows.map((r) => r.shopifyId));
    const work: RecordWork[] = [];
    for (const m of mirrors.values()) {
      try {
        const out = await processCustomer(ctx, customerFromMirror(m), m, { purpose: "sync", force: true });
        work.push(out.work);
      } catch (e) {
        ctx.counts.failed++;
        ctx.log.add("internal", `The customer could not be processed: ${(e as Error).message}`, { shopifyCustomerId: m.shopifyId });
        work.push({ mirror: { row: { ...rowOf(m), needsMatch: false }, addresses: m.addresses, replaceAddresses: false }, logs: [] });
      }
    }
    await commit(ctx, work);
    await ctx.log.flush();
  }
}

export { loadContext };
