// The persistent job queue, in the app's own database (see docs/decisions/004-job-queue.md): jobs survive a
// restart, failed jobs are retried with backoff and kept with their error, and jobs with the same key (one
// Shopify customer) never run at the same time.
import { randomUUID } from "node:crypto";
import type { Job, Prisma, PrismaClient } from "@prisma/client";

/** A job's work. It may return what the job's payload becomes once it is done (less than it needed to run). */
export type JobHandler = (job: Job, payload: any) => Promise<void | { donePayload?: string }>;

export interface EnqueueInput {
  shop: string;
  kind: string;
  key?: string;
  payload?: unknown;
  runAt?: Date;
  maxAttempts?: number;
}

/** The row of a new job (also for `createMany`, when many jobs are queued in one statement). */
export function jobRow(j: EnqueueInput) {
  return {
    shop: j.shop,
    kind: j.kind,
    key: j.key ?? "",
    payload: JSON.stringify(j.payload ?? {}),
    runAt: j.runAt ?? new Date(),
    maxAttempts: j.maxAttempts ?? 8,
  };
}

/**
 * A failed attempt's error as the sync log's failed jobs show it. Prisma's errors start with the statement's source
 * location and code excerpt (file paths, line numbers) and end with what the database said: that last line is kept.
 */
export function jobErrorText(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  if (!/^PrismaClient/.test((e as Error)?.name ?? (e as object)?.constructor?.name ?? "")) return message;
  const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.length > 1 ? `Database: ${lines[lines.length - 1]}` : message;
}

/** An error after which the job is not tried again (it ends failed with this message). */
export class FinalJobError extends Error {
  readonly retry = false;
}

export async function enqueue(db: PrismaClient | Prisma.TransactionClient, j: EnqueueInput): Promise<Job> {
  return db.job.create({ data: jobRow(j) });
}

/** Backoff after the n-th failure: 2 s, 4 s, 8 s … capped at 10 minutes (scaled by BACKOFF_SCALE for tests). */
export function backoffMs(attempt: number, scale = 1): number {
  return Math.min(2000 * 2 ** (attempt - 1), 600_000) * scale;
}

/** A job left `running` by a process that died is given back after this long (option `staleLockMs`). */
export const STALE_LOCK_MS = 10 * 60_000;

export class JobQueue {
  private readonly worker = randomUUID();
  private running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastBeforeClaimError = { message: "", at: 0 };

  constructor(
    private db: PrismaClient,
    private handlers: Record<string, JobHandler>,
    private o: {
      concurrency?: number;
      pollMs?: number;
      backoffScale?: number;
      staleLockMs?: number;
      /**
       * Runs before each claim: the app moves webhook deliveries from the inbox into the queue here. A failure is
       * reported on stderr and does not stop the claim.
       */
      beforeClaim?: () => Promise<unknown>;
      /** Told of every failed attempt (the worker process logs them). */
      onFailure?: (job: Job, message: string, final: boolean) => void;
    } = {},
  ) {}

  /**
   * Claim the next runnable job; null when there is none. Keyed jobs (a Shopify customer's webhooks, a Sync, an order
   * import) of one shop run one at a time: they all read and write the shop's ERP master (its number series, the
   * ERP customers matching sees), so two at once take the same customer number, miss a customer the other just
   * created (and create it again), or clear the other's fresh link as stale. Jobs of different shops, and jobs
   * without a key, run side by side. The claim is one conditional UPDATE, so it holds across workers and processes.
   */
  async claim(): Promise<Job | null> {
    if (this.o.beforeClaim) {
      try {
        await this.o.beforeClaim();
      } catch (e) {
        // Told once a minute while it lasts, not at every poll.
        const message = `Before claiming a job: ${(e as Error)?.message ?? e}`;
        if (message !== this.lastBeforeClaimError.message || Date.now() - this.lastBeforeClaimError.at > 60_000) {
          console.error(message);
          this.lastBeforeClaimError = { message, at: Date.now() };
        }
      }
    }
    const now = new Date();
    await this.db.job.updateMany({
      where: { status: "running", lockedAt: { lt: new Date(now.getTime() - (this.o.staleLockMs ?? STALE_LOCK_MS)) } },
      data: { status: "queued", lockedAt: null, lockedBy: "" },
    });
    const busy = await this.db.job.findMany({ where: { status: "running", key: { not: "" } }, select: { shop: true }, distinct: ["shop"] });
    const busyShops = busy.map((b) => b.shop);
    const candidates = await this.db.job.findMany({
      where: { status: "queued", runAt: { lte: now }, ...(busyShops.length ? { NOT: { shop: { in: busyShops }, key: { not: "" } } } : {}) },
      orderBy: [{ runAt: "asc" }, { id: "asc" }],
      take: 20,
    });
    for (const c of candidates) {
      // Another worker may have taken this job, or another keyed job of its shop, since the reads above.
      const won = await this.db.$executeRaw`
        UPDATE "Job" SET "status" = 'running', "lockedAt" = ${now}, "lockedBy" = ${this.worker}, "attempts" = "attempts" + 1
        WHERE "id" = ${c.id} AND "status" = 'queued'
          AND ("key" = '' OR NOT EXISTS (SELECT 1 FROM "Job" AS r WHERE r."status" = 'running' AND r."shop" = ${c.shop} AND r."key" <> ''))`;
      if (won === 1) return { ...c, status: "running", lockedAt: now, lockedBy: this.worker, attempts: c.attempts + 1 };
    }
    return null;
  }

  async runOne(job: Job): Promise<void> {
    const handler = this.handlers[job.kind];
    // Heartbeat: a job that runs longer than the stale-lock time (a Sync of a large store) keeps its lock fresh, so
    // no worker takes it for a dead worker's job and runs it a second time beside itself.
    const beat = setInterval(() => {
      void this.db.job
        .updateMany({ where: { id: job.id, status: "running", lockedBy: this.worker }, data: { lockedAt: new Date() } })
        .catch(() => undefined);
    }, Math.max(10, Math.floor((this.o.staleLockMs ?? STALE_LOCK_MS) / 3)));
    beat.unref?.();
    // updateMany, not update: the row may be gone when the job ends (shop/redact deletes every job of the shop,
    // its own included), which is not an error of the job and must not escape from the worker.
    try {
      if (!handler) throw new Error(`No handler for jobs of kind "${job.kind}"`);
      const result = await handler(job, JSON.parse(job.payload));
      const donePayload = result && typeof result.donePayload === "string" ? { payload: result.donePayload } : {};
      await this.db.job.updateMany({ where: { id: job.id }, data: { status: "done", finishedAt: new Date(), lockedAt: null, lastError: "", ...donePayload } });
    } catch (e) {
      const message = jobErrorText(e);
      // A job whose error says a retry cannot help (the shop's access is gone) fails at once.
      const final = job.attempts >= job.maxAttempts || (e as { retry?: boolean })?.retry === false;
      this.o.onFailure?.(job, message, final);
      await this.db.job.updateMany({
        where: { id: job.id },
        data: {
          status: final ? "failed" : "queued",
          lastError: message.slice(0, 2000),
          lockedAt: null,
          lockedBy: "",
          runAt: new Date(Date.now() + backoffMs(job.attempts, this.o.backoffScale ?? 1)),
          finishedAt: final ? new Date() : null,
        },
      });
    } finally {
      clearInterval(beat);
    }
  }

  /** Work until no job is runnable now (tests, the scenario runner, the command line). */
  async drain(o: { includeDelayed?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (o.timeoutMs ?? 60_000);
    for (;;) {
      const job = await this.claim();
      if (job) {
        await this.runOne(job);
        continue;
      }
      const pending = await this.db.job.findFirst({ where: { status: { in: ["queued", "running"] } }, orderBy: { runAt: "asc" } });
      if (!pending || !o.includeDelayed || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, Math.max(10, Math.min(200, pending.runAt.getTime() - Date.now()))));
    }
  }

  /**
   * Poll in the background (the app server), up to `concurrency` jobs at once. When a job ends the worker looks for
   * the next one at once instead of at the next poll: one shop's keyed jobs run one at a time, and a burst of webhooks
   * would otherwise be worked off at one job per poll interval.
   */
  start() {
    this.stopped = false;
    this.wake();
  }

  private ticking = false;
  private wakeAgain = false;

  private wake() {
    if (this.stopped) return;
    if (this.ticking) {
      this.wakeAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), 0);
  }

  private async tick() {
    if (this.stopped) return;
    this.ticking = true;
    this.wakeAgain = false;
    try {
      while (this.running.size < (this.o.concurrency ?? 2)) {
        const job = await this.claim();
        if (!job) break;
        // A job whose bookkeeping write fails stays `running` and is given back after the stale-lock time; the
        // rejection must not escape (an unhandled rejection ends the Node process).
        const p: Promise<void> = this.runOne(job)
          .catch(() => undefined)
          .finally(() => {
            this.running.delete(p);
            this.wake();
          });
        this.running.add(p);
      }
    } catch {
      // the next tick tries again
    } finally {
      this.ticking = false;
    }
    if (this.stopped) return;
    if (this.wakeAgain) this.wake();
    else this.timer = setTimeout(() => void this.tick(), this.o.pollMs ?? 500);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.running]);
  }
}

/**
 * Take the shop's turn for work outside the queue: one conditional INSERT of a `running` keyed job (kind
 * `externalRun`), so it holds across workers and processes like the queue's claim. While the row is running the
 * queue claims none of the shop's keyed jobs (its claim checks for a running keyed job of the shop). Returns the
 * row's id, or null while a keyed job of the shop is running.
 */
async function claimShopTurn(db: PrismaClient, shop: string, label: string, owner: string): Promise<number | null> {
  const now = new Date().toISOString().replace("Z", "+00:00");
  const inserted = await db.$executeRawUnsafe(
    `INSERT INTO "Job" ("shop", "kind", "key", "payload", "status", "attempts", "maxAttempts", "runAt", "lockedAt", "lockedBy", "lastError", "createdAt")
     SELECT ?, 'externalRun', ?, ?, 'running', 1, 1, ?, ?, ?, '', ?
     WHERE NOT EXISTS (SELECT 1 FROM "Job" WHERE "status" = 'running' AND "shop" = ? AND "key" <> '')`,
    shop, `external:${shop}`, JSON.stringify({ label }), now, now, owner, now, shop,
  );
  if (inserted !== 1) return null;
  const job = await db.job.findFirst({ where: { lockedBy: owner }, select: { id: true } });
  if (!job) throw new Error(`The turn of ${shop} was taken but its row is gone`);
  return job.id;
}

/** Run work in the turn taken by claimShopTurn, keep the turn's lock fresh while it runs, and give the turn back. */
async function runInShopTurn<T>(db: PrismaClient, id: number, work: () => Promise<T>, o: { staleLockMs?: number }): Promise<T> {
  const refresh = setInterval(() => {
    void db.job.updateMany({ where: { id, status: "running" }, data: { lockedAt: new Date() } }).catch(() => {});
  }, Math.max(10, Math.floor((o.staleLockMs ?? STALE_LOCK_MS) / 3)));
  try {
    const result = await work();
    await db.job.updateMany({ where: { id }, data: { status: "done", finishedAt: new Date(), lockedAt: null } });
    return result;
  } catch (e) {
    await db.job.updateMany({ where: { id }, data: { status: "failed", finishedAt: new Date(), lockedAt: null, lastError: String((e as Error)?.message ?? e).slice(0, 2000) } });
    throw e;
  } finally {
    clearInterval(refresh);
  }
}

const turnOwner = (who: string) => `${who}-${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Run work outside the queue (the command line) as if it were a keyed job of the shop: it waits while a keyed job of
 * that shop is running, and while it runs the queue claims none (the claim checks for a running keyed job of the
 * shop). Without this, `npm run sync` beside the app's worker worked from a second snapshot of the ERP master.
 */
export async function withShopLock<T>(
  db: PrismaClient,
  shop: string,
  label: string,
  work: () => Promise<T>,
  o: { pollMs?: number; onWait?: () => void; staleLockMs?: number } = {},
): Promise<T> {
  const owner = turnOwner("cli");
  let waited = false;
  let id: number | null;
  while ((id = await claimShopTurn(db, shop, label, owner)) === null) {
    if (!waited) o.onWait?.();
    waited = true;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
  return runInShopTurn(db, id, work, o);
}

/**
 * withShopLock without the wait (a page's action, which must answer within seconds): runs the work now when no keyed
 * job of the shop is running, and otherwise runs nothing and says so, for the caller to queue the work instead.
 */
export async function tryShopLock<T>(
  db: PrismaClient,
  shop: string,
  label: string,
  work: () => Promise<T>,
  o: { staleLockMs?: number } = {},
): Promise<{ ran: true; result: T } | { ran: false }> {
  const id = await claimShopTurn(db, shop, label, turnOwner("app"));
  if (id === null) return { ran: false };
  return { ran: true, result: await runInShopTurn(db, id, work, o) };
}
