// Writes of many records committed together (one transaction per page: fast at 100,000 customers), falling back
// to one transaction per record when the batch fails, so one bad record never takes the others with it.
import type { Prisma } from "@prisma/client";
import type { LogEntry, SyncContext } from "./context";

export interface RecordWork {
  /** Identifies the record in an `internal` log entry if its writes fail. */
  shopifyCustomerId?: string;
  erpCustomerNo?: string;
  ops: Prisma.PrismaPromise<unknown>[];
  logs: LogEntry[];
  /** Undo in-memory effects (ERP index) when the writes could not be committed. */
  rollback?: () => void;
}

export async function commit(ctx: SyncContext, work: RecordWork[], extra: () => Prisma.PrismaPromise<unknown>[] = () => []) {
  if (!work.length) return;
  const all = work.flatMap((w) => [...w.ops, ...logOps(ctx, w.logs)]);
  try {
    await ctx.db.$transaction([...all, ...extra()]);
    return;
  } catch {
    // fall through to one record at a time
  }
  for (const w of work) {
    try {
      await ctx.db.$transaction([...w.ops, ...logOps(ctx, w.logs), ...extra()]);
    } catch (e) {
      w.rollback?.();
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
}

function logOps(ctx: SyncContext, logs: LogEntry[]) {
  return logs.length ? [ctx.db.syncLogEntry.createMany({ data: ctx.log.rows(logs) })] : [];
}
