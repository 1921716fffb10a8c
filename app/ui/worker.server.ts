// Background work of the app server, started once per process from entry.server.tsx: the persistent job queue
// (webhook work, syncs started from the UI) and the schedule (the shop card's autoSync), which enqueues a
// Sync customers job when a shop's interval has passed since its last sync.
import prisma from "../db.server";
import { jobQueue, startSyncInBackground } from "../sync/service.server";
import { uiEnv } from "./env.server";

declare global {
  // eslint-disable-next-line no-var
  var __customerSyncWorker: { stop(): Promise<void> } | undefined;
}

export const AUTO_SYNC_MS: Record<string, number> = {
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "6h": 6 * 60 * 60_000,
  "24h": 24 * 60 * 60_000,
};

const SCHEDULE_TICK_MS = 60_000;

export function syncJobKey(shop: string) {
  return `sync:${shop}`;
}

/** The queued or running Sync customers job of a shop, if any. */
export async function activeSyncJob(shop: string) {
  return prisma.job.findFirst({
    where: { shop, kind: "syncCustomers", status: { in: ["queued", "running"] } },
    orderBy: { id: "desc" },
  });
}

/** Start a sync in the background unless one is already waiting or running; returns the job and whether it is new. */
export async function startSync(shop: string, trigger: "manual" | "schedule") {
  const existing = await activeSyncJob(shop);
  if (existing) return { job: existing, started: false };
  const job = await startSyncInBackground(shop, trigger);
  return { job, started: true };
}

/** When the next scheduled sync is due (null: the schedule is off). */
export function nextScheduledRun(autoSync: string, lastSyncStart: Date | null, now = new Date()): Date | null {
  const every = AUTO_SYNC_MS[autoSync];
  if (!every) return null;
  if (!lastSyncStart) return now;
  return new Date(Math.max(now.getTime(), lastSyncStart.getTime() + every));
}

/**
 * Enqueue the syncs that are due. A shop waiting for access (authRequired) is left alone until the app is opened
 * again; a due shop without an offline session gets its job too, which stops with authRequired (logged once, the
 * banner on Home) instead of being skipped without a word.
 */
export async function scheduleDueSyncs(now = new Date()) {
  const shops = await prisma.shopSettings.findMany({ where: { autoSync: { not: "off" }, authRequired: false } });
  for (const s of shops) {
    const every = AUTO_SYNC_MS[s.autoSync];
    if (!every) continue;
    const last = await prisma.syncRun.findFirst({ where: { shop: s.shop, kind: "syncCustomers" }, orderBy: { startedAt: "desc" } });
    if (last && now.getTime() - last.startedAt.getTime() < every) continue;
    await startSync(s.shop, "schedule");
  }
}

/**
 * Start the job queue and the schedule. The web server calls it at start unless JOB_WORKER=off (a separate
 * `npm run worker` does the work then); that worker passes `inThisProcess` to start regardless of the setting.
 */
export function startBackgroundWork(o: { inThisProcess?: boolean } = {}) {
  if (globalThis.__customerSyncWorker || (uiEnv().JOB_WORKER === "off" && !o.inThisProcess)) return;
  const queue = jobQueue();
  queue.start();
  const tick = () => void scheduleDueSyncs().catch((e) => console.error("Scheduling syncs failed:", e));
  const timer = setInterval(tick, SCHEDULE_TICK_MS);
  timer.unref();
  tick();
  globalThis.__customerSyncWorker = {
    async stop() {
      clearInterval(timer);
      await queue.stop();
      globalThis.__customerSyncWorker = undefined;
    },
  };
  // Ctrl+C or a platform's SIGTERM: let the running jobs finish, then leave (the queue's poll timer would keep the
  // process alive otherwise). A job cut short by a hard kill is given back after the stale-lock time.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void globalThis.__customerSyncWorker?.stop().finally(() => process.exit(0));
    });
  }
}

export async function stopBackgroundWork() {
  await globalThis.__customerSyncWorker?.stop();
}
