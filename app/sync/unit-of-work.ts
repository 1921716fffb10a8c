// Writes of many records committed together: one transaction per page with set-based statements (a handful of
// statements per page instead of several per customer — what makes 100,000 customers fast), falling back to one
// transaction per record when the batch fails, so one bad record never takes the others with it.
import type { Prisma } from "@prisma/client";
import type { ErpCustomer } from "../erp/fields";
import type { LogEntry, SyncContext } from "./context";
import type { MirrorAddressRow, MirrorRow } from "./mirror";
import { deleteWhereIn, insertMany } from "./bulk-insert";

export interface MirrorWrite {
  row: Omit<MirrorRow, "mirroredAt">;
  addresses: MirrorAddressRow[];
  /** Replace the stored addresses with `addresses` (false: leave them as they are). */
  replaceAddresses: boolean;
}

export interface RecordWork {
  /** Identifies the record in an `internal` log entry if its writes fail. */
  shopifyCustomerId?: string;
  erpCustomerNo?: string;
  mirror?: MirrorWrite;
  erpCreate?: ErpCustomer[];
  erpUpdate?: Array<{ no: string; data: Partial<ErpCustomer> }>;
  /** The number series' next number after this record's creations. */
  numberSeriesNext?: number;
  logs: LogEntry[];
  /** Undo in-memory effects (ERP index) when the writes could not be committed. */
  rollback?: () => void;
}

const CHUNK = 500;
function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/** The statements that store a set of records. */
export function writeOps(ctx: SyncContext, work: RecordWork[]): Prisma.PrismaPromise<unknown>[] {
  const { db, shop } = ctx;
  const ops: Prisma.PrismaPromise<unknown>[] = [];
  const now = new Date();
  // Mirror rows: delete + insert by id (no foreign keys hang on them), the last write of a record winning.
  const mirrors = new Map<string, MirrorWrite>();
  for (const w of work) if (w.mirror) mirrors.set(w.mirror.row.shopifyId, w.mirror);
  const mirrorList = [...mirrors.values()];
  for (const part of chunks(mirrorList)) {
    ops.push(...deleteWhereIn(db, "MirrorCustomer", shop, "shopifyId", part.map((m) => m.row.shopifyId)));
    ops.push(...insertMany(db, "MirrorCustomer", part.map((m) => m.row), { mirroredAt: now }));
  }
  const replaced = mirrorList.filter((m) => m.replaceAddresses);
  for (const part of chunks(replaced)) {
    ops.push(...deleteWhereIn(db, "MirrorAddress", shop, "customerShopifyId", part.map((m) => m.row.shopifyId)));
    const addresses = part.flatMap((m) => m.addresses);
    // An address id belongs to one customer; a stale row under another customer is replaced.
    if (addresses.length) {
      for (const a of chunks(addresses)) {
        ops.push(...deleteWhereIn(db, "MirrorAddress", shop, "shopifyId", a.map((x) => x.shopifyId)));
        ops.push(...insertMany(db, "MirrorAddress", a));
      }
    }
  }
  const creates = work.flatMap((w) => w.erpCreate ?? []);
  ops.push(...insertMany(db, "ErpCustomer", creates.map((c) => ({ shop, ...c, createdAt: now, updatedAt: now }))));
  for (const w of work) for (const u of w.erpUpdate ?? []) ops.push(db.erpCustomer.update({ where: { shop_no: { shop, no: u.no } }, data: u.data }));
  const next = Math.max(...work.map((w) => w.numberSeriesNext ?? 0));
  if (next > 0) {
    ops.push(db.numberSeries.upsert({ where: { shop }, create: { shop, ...ctx.numberSeries, next }, update: { next } }));
  }
  const logs = work.flatMap((w) => w.logs);
  ops.push(...insertMany(db, "SyncLogEntry", ctx.log.rows(logs), { createdAt: now }));
  return ops;
}

/**
 * Commit the records' writes; returns the records that could not be saved (each logged `internal`). Afterwards the
 * ERP index lets go of the full records it held for them: the database has them (or, undone, never changed them).
 */
export async function commit(ctx: SyncContext, work: RecordWork[]): Promise<RecordWork[]> {
  try {
    return await commitWork(ctx, work);
  } finally {
    ctx.erp.release();
  }
}

async function commitWork(ctx: SyncContext, work: RecordWork[]): Promise<RecordWork[]> {
  const failed: RecordWork[] = [];
  if (!work.length) return failed;
  try {
    await ctx.db.$transaction(writeOps(ctx, work));
    return failed;
  } catch {
    // fall through to one record at a time
  }
  for (const w of work) {
    try {
      await ctx.db.$transaction(writeOps(ctx, [w]));
    } catch (e) {
      w.rollback?.();
      failed.push(w);
      ctx.counts.failed++;
      await ctx.db.syncLogEntry.createMany({
        data: ctx.log.rows([
          {
            level: "error",
            code: "internal",
            message: `The record could not be saved: ${(e as Error).message.split("\n").slice(-1)[0]}`,
            shopifyCustomerId: w.shopifyCustomerId,
            erpCustomerNo: w.erpCustomerNo,
          },
        ]),
      });
    }
  }
  return failed;
}
