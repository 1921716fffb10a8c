// The progress of a sync started in the background: the job (queued, running, done, failed) and the run it started,
// with the run's counts and its total (Shopify's count of customers to read, saved by the engine page by page).
import prisma from "../db.server";

export interface RunView {
  id: number;
  kind: string;
  trigger: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  total: number;
  read: number;
  created: number;
  updated: number;
  linked: number;
  exported: number;
  skipped: number;
  failed: number;
  message: string;
}

export interface SyncProgress {
  jobId: number;
  jobStatus: string;
  jobError: string;
  done: boolean;
  run: RunView | null;
}

export function runView(r: {
  id: number; kind: string; trigger: string; status: string; startedAt: Date; endedAt: Date | null; total: number; read: number;
  created: number; updated: number; linked: number; exported: number; skipped: number; failed: number; message: string;
}): RunView {
  return {
    id: r.id, kind: r.kind, trigger: r.trigger, status: r.status, startedAt: r.startedAt.toISOString(), endedAt: r.endedAt?.toISOString() ?? null,
    total: r.total, read: r.read, created: r.created, updated: r.updated, linked: r.linked, exported: r.exported, skipped: r.skipped,
    failed: r.failed, message: r.message,
  };
}

export async function syncProgress(shop: string, jobId: number): Promise<SyncProgress | null> {
  const job = await prisma.job.findFirst({ where: { id: jobId, shop, kind: "syncCustomers" } });
  if (!job) return null;
  // Only one sync job of a shop is queued or running at a time (app/ui/worker.server.ts), so its run is the first
  // sync run that started after the job was created.
  const run = job.status === "queued" && job.attempts === 0
    ? null
    : await prisma.syncRun.findFirst({ where: { shop, kind: "syncCustomers", startedAt: { gte: job.createdAt } }, orderBy: { id: "asc" } });
  const done = job.status === "done" || job.status === "failed";
  return { jobId: job.id, jobStatus: job.status, jobError: job.lastError, done, run: run ? runView(run) : null };
}
