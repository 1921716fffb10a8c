// The persistent job queue (app/jobs/queue.ts, decision 004) on the app's real database: jobs of one key (one
// Shopify customer) never run concurrently, even across workers; failures are retried with backoff and end as
// `failed` with their error; jobs survive a restart; a job left `running` by a dead worker is given back after the
// stale-lock time; a job whose row is deleted while it runs (shop/redact deletes the shop's jobs) does not kill
// the worker.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Job } from "@prisma/client";
import { JobQueue, backoffMs, enqueue, type JobHandler } from "../../app/jobs/queue";
import { startHarness, type Harness } from "../support/app-harness";
import { removeDb } from "./support";

const SHOP = "reliability-queue.myshopify.com";
let h: Harness;
const db = () => h.app.prisma;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  h = await startHarness({ name: "reliability-queue" });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});
beforeEach(async () => {
  await db().job.deleteMany({});
});

async function until(f: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(10);
  }
}

describe("keys", () => {
  it("keyed jobs of one shop never run at the same time, also across two workers, and one customer's jobs run in the order they came; other shops' jobs and unkeyed jobs run in parallel", async () => {
    const shops = ["one.myshopify.com", "two.myshopify.com", "three.myshopify.com"];
    const keys = ["gid://shopify/Customer/1", "gid://shopify/Customer/2"];
    for (let i = 0; i < 6; i++) for (const shop of shops) for (const key of keys) await enqueue(db(), { shop, kind: "work", key, payload: { i } });
    for (let i = 0; i < 6; i++) await enqueue(db(), { shop: shops[0], kind: "work", key: "", payload: { i, unkeyed: true } });
    const active = new Map<string, number>();
    const maxActive = new Map<string, number>();
    let overall = 0;
    let maxOverall = 0;
    let unkeyedBesideKeyed = false;
    const order = new Map<string, number[]>();
    const handler: JobHandler = async (job, payload) => {
      const lane = payload.unkeyed ? "unkeyed" : job.shop;
      if (payload.unkeyed && (active.get(job.shop) ?? 0) > 0) unkeyedBesideKeyed = true;
      active.set(lane, (active.get(lane) ?? 0) + 1);
      overall++;
      maxOverall = Math.max(maxOverall, overall);
      maxActive.set(lane, Math.max(maxActive.get(lane) ?? 0, active.get(lane)!));
      if (!payload.unkeyed) order.set(job.shop + job.key, [...(order.get(job.shop + job.key) ?? []), payload.i]);
      await sleep(3 + (payload.i % 3) * 4);
      active.set(lane, active.get(lane)! - 1);
      overall--;
    };
    const a = new JobQueue(db(), { work: handler }, { concurrency: 4, pollMs: 2 });
    const b = new JobQueue(db(), { work: handler }, { concurrency: 4, pollMs: 2 });
    a.start();
    b.start();
    await until(async () => (await db().job.count({ where: { status: "done" } })) === 42);
    await Promise.all([a.stop(), b.stop()]);
    for (const shop of shops) expect(maxActive.get(shop)).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
    expect(maxActive.get("unkeyed")! > 1 || unkeyedBesideKeyed).toBe(true);
    for (const shop of shops) for (const key of keys) expect(order.get(shop + key)).toEqual([...Array(6).keys()]);
    expect(await db().job.count({ where: { status: { not: "done" } } })).toBe(0);
  });
});

describe("retries", () => {
  it("a failing job is retried with exponential backoff (2 s, 4 s … scaled), then marked failed with its error", async () => {
    const calls: number[] = [];
    const failing = new JobQueue(db(), {
      flaky: async () => {
        calls.push(Date.now());
        throw new Error(`ERP offline (call ${calls.length})`);
      },
    }, { backoffScale: 1 });
    const job = await enqueue(db(), { shop: SHOP, kind: "flaky", key: "k", maxAttempts: 3 });

    // Attempt 1 fails: back in the queue, not runnable before its backoff of 2 s.
    let claimed = (await failing.claim())!;
    expect(claimed.id).toBe(job.id);
    const t1 = Date.now();
    await failing.runOne(claimed);
    let row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "queued", attempts: 1, lastError: "ERP offline (call 1)", lockedAt: null, lockedBy: "", finishedAt: null });
    expect(row.runAt.getTime() - t1).toBeGreaterThanOrEqual(backoffMs(1) - 50);
    expect(row.runAt.getTime() - t1).toBeLessThanOrEqual(backoffMs(1) + 500);
    expect(await failing.claim()).toBeNull();

    // Time passes (moved forward in the row): attempt 2 fails with a backoff of 4 s.
    await db().job.update({ where: { id: job.id }, data: { runAt: new Date() } });
    claimed = (await failing.claim())!;
    const t2 = Date.now();
    await failing.runOne(claimed);
    row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "queued", attempts: 2, lastError: "ERP offline (call 2)" });
    expect(row.runAt.getTime() - t2).toBeGreaterThanOrEqual(backoffMs(2) - 50);
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    expect(await failing.claim()).toBeNull();

    // Attempt 3 is the last: failed, with its error and end time kept for the UI; never claimed again.
    await db().job.update({ where: { id: job.id }, data: { runAt: new Date() } });
    await failing.runOne((await failing.claim())!);
    row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "ERP offline (call 3)", finishedAt: expect.any(Date) });
    await db().job.update({ where: { id: job.id }, data: { runAt: new Date(0) } });
    expect(await failing.claim()).toBeNull();
    expect(calls).toHaveLength(3);
  });

  it("with drain and a small backoff scale the retries happen by themselves, spaced by the backoff; a job that succeeds on its third try ends done with no error", async () => {
    const calls: number[] = [];
    const q = new JobQueue(db(), {
      flaky: async () => {
        calls.push(Date.now());
        if (calls.length < 3) throw new Error("temporarily unavailable");
      },
    }, { backoffScale: 0.02 });
    const job = await enqueue(db(), { shop: SHOP, kind: "flaky", maxAttempts: 5 });
    await q.drain({ includeDelayed: true, timeoutMs: 5000 });
    expect(calls).toHaveLength(3);
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(backoffMs(1, 0.02) - 5);
    expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(backoffMs(2, 0.02) - 5);
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done", attempts: 3, lastError: "", finishedAt: expect.any(Date) });
  });

  it("a job of a kind without a handler fails with a message that names the kind", async () => {
    const job = await enqueue(db(), { shop: SHOP, kind: "nobodyHandlesThis", maxAttempts: 1 });
    await new JobQueue(db(), {}).drain();
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "failed", lastError: 'No handler for jobs of kind "nobodyHandlesThis"' });
  });
});

describe("restarts", () => {
  it("jobs queued before a restart are processed by a new queue instance (another worker id)", async () => {
    const first = new JobQueue(db(), { work: async () => undefined });
    for (let i = 0; i < 5; i++) await enqueue(db(), { shop: SHOP, kind: "work", key: `gid://shopify/Customer/${i}`, payload: { i } });
    // The first process takes one job, finishes it, and goes away with four still queued.
    await first.runOne((await first.claim())!);
    await first.stop();
    const seen: number[] = [];
    const second = new JobQueue(db(), { work: async (_job: Job, p: { i: number }) => void seen.push(p.i) });
    await second.drain();
    expect(seen).toEqual([1, 2, 3, 4]);
    const rows = await db().job.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["done", "done", "done", "done", "done"]);
    expect(new Set(rows.map((r) => r.lockedBy)).size).toBe(2);
  });

  it("a job left running by a dead worker is given back after the stale-lock time, not before, and keeps its key's turn", async () => {
    const key = "gid://shopify/Customer/77";
    const dead = new JobQueue(db(), { work: async () => undefined });
    const stuck = await enqueue(db(), { shop: SHOP, kind: "work", key, payload: { n: 1 } });
    const next = await enqueue(db(), { shop: SHOP, kind: "work", key, payload: { n: 2 } });
    expect((await dead.claim())!.id).toBe(stuck.id); // … and the process is killed before it finishes.

    const seen: number[] = [];
    const alive = new JobQueue(db(), { work: async (_j: Job, p: { n: number }) => void seen.push(p.n) }, { staleLockMs: 300 });
    // Inside the stale-lock time: the key is busy, nothing runs (not even the next job of that key).
    expect(await alive.claim()).toBeNull();
    await sleep(350);
    await alive.drain();
    expect(seen).toEqual([1, 2]);
    expect(await db().job.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({ status: "done", attempts: 2 });
    expect(await db().job.findUniqueOrThrow({ where: { id: next.id } })).toMatchObject({ status: "done", attempts: 1 });
  });

  it("a live job that runs longer than the stale-lock time keeps its lock (heartbeat) and is never run a second time beside itself", async () => {
    let runs = 0;
    let active = 0;
    let maxActive = 0;
    const handlers: Record<string, JobHandler> = {
      longSync: async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(700);
        active--;
      },
    };
    const job = await enqueue(db(), { shop: SHOP, kind: "longSync", key: `sync:${SHOP}` });
    const a = new JobQueue(db(), handlers, { staleLockMs: 150, pollMs: 10 });
    const b = new JobQueue(db(), handlers, { staleLockMs: 150, pollMs: 10 });
    a.start();
    b.start();
    await until(async () => (await db().job.findUniqueOrThrow({ where: { id: job.id } })).status === "done");
    await sleep(100);
    await Promise.all([a.stop(), b.stop()]);
    expect({ runs, maxActive }).toEqual({ runs: 1, maxActive: 1 });
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done", attempts: 1 });
  });

  it("the stale-lock time defaults to 10 minutes", async () => {
    const job = await enqueue(db(), { shop: SHOP, kind: "work" });
    await db().job.update({ where: { id: job.id }, data: { status: "running", lockedAt: new Date(Date.now() - 9 * 60_000), lockedBy: "dead" } });
    const q = new JobQueue(db(), { work: async () => undefined });
    expect(await q.claim()).toBeNull();
    await db().job.update({ where: { id: job.id }, data: { lockedAt: new Date(Date.now() - 11 * 60_000) } });
    expect((await q.claim())?.id).toBe(job.id);
  });
});

describe("a job whose row disappears while it runs", () => {
  it("does not throw out of the worker (shop/redact deletes the shop's jobs, its own included); drain and start keep going", async () => {
    const handlers: Record<string, JobHandler> = {
      redact: async (job) => void (await db().job.deleteMany({ where: { shop: job.shop } })),
      work: async () => undefined,
    };
    await enqueue(db(), { shop: SHOP, kind: "redact" });
    const q = new JobQueue(db(), handlers);
    await expect(q.drain()).resolves.toBeUndefined();
    expect(await db().job.count()).toBe(0);

    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      await enqueue(db(), { shop: SHOP, kind: "redact" });
      const bg = new JobQueue(db(), handlers, { pollMs: 5 });
      bg.start();
      await until(async () => (await db().job.count()) === 0);
      const after = await enqueue(db(), { shop: "another.myshopify.com", kind: "work" });
      await until(async () => (await db().job.findUniqueOrThrow({ where: { id: after.id } })).status === "done");
      await bg.stop();
      await sleep(20);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe("the error a failed job keeps", () => {
  it("a database error keeps what the database said, not Prisma's source excerpt with file paths", async () => {
    await db().$executeRawUnsafe(`CREATE TRIGGER refuse_erp BEFORE INSERT ON "ErpCustomer" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    try {
      const handlers: Record<string, JobHandler> = {
        write: async () => {
          await db().erpCustomer.create({ data: { shop: SHOP, no: "Q1", name: "Q" } });
        },
      };
      const job = await enqueue(db(), { shop: SHOP, kind: "write", maxAttempts: 1 });
      await new JobQueue(db(), handlers).drain();
      const failed = await db().job.findUniqueOrThrow({ where: { id: job.id } });
      expect(failed.status).toBe("failed");
      expect(failed.lastError).toMatch(/^Database: \S/);
      expect(failed.lastError).not.toMatch(/\n|\.ts:|invocation/);
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER refuse_erp`);
    }
  });

  it("any other error keeps its message as it is", async () => {
    const job = await enqueue(db(), { shop: SHOP, kind: "boom", maxAttempts: 1 });
    await new JobQueue(db(), { boom: async () => { throw new Error("Shopify did not answer after 5 attempts"); } }).drain();
    expect((await db().job.findUniqueOrThrow({ where: { id: job.id } })).lastError).toBe("Shopify did not answer after 5 attempts");
  });
});
