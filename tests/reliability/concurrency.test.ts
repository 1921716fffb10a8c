// Work of one shop running at the same time in the app's worker: webhook jobs of different customers, and a Sync
// job beside webhook jobs. Each Shopify customer must end with exactly one ERP customer, none lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobQueue } from "../../app/jobs/queue";
import { generateCustomers } from "../simulator/generator";
import { startHarness, type Harness } from "../support/app-harness";
import { gid, post, removeDb, seCustomer, seedShop, signedWebhook } from "./support";

const SHOP = "reliability-concurrency.myshopify.com";
const SYNC_SHOP = "reliability-concurrency-sync.myshopify.com";
let h: Harness;
const db = () => h.app.prisma;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  h = await startHarness({ name: "reliability-concurrency" });
  await seedShop(h, SHOP);
  await seedShop(h, SYNC_SHOP);
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

async function until(f: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(20);
  }
}

describe("webhook jobs of different customers at the same time", () => {
  it("two workers with 16 customers/create of one shop: each customer created once, none lost, no record failed (one shop's keyed jobs run one at a time)", async () => {
    const ids = Array.from({ length: 16 }, (_, i) => 400 + i);
    for (const n of ids) {
      h.sim.setCustomer(SHOP, seCustomer(n));
      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(n))))).toBe(200);
    }
    const workers = [0, 1].map(() => new JobQueue(db(), h.app.service.jobHandlers, { concurrency: 2, pollMs: 5, backoffScale: 0.005 }));
    for (const w of workers) w.start();
    try {
      await until(async () => (await db().job.count({ where: { shop: SHOP, status: { in: ["queued", "running"] } } })) === 0);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    expect(await db().job.count({ where: { shop: SHOP, status: "failed" } })).toBe(0);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP } })).toBe(ids.length);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, linkSource: "created" } })).toBe(ids.length);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(ids.length);
    const created = await db().syncLogEntry.groupBy({ by: ["shopifyCustomerId"], where: { shop: SHOP, code: "created" }, _count: { _all: true } });
    expect(created.map((g) => g._count._all)).toEqual(ids.map(() => 1));
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, level: "error" } })).toBe(0);
    expect(await db().webhookReceipt.count({ where: { shop: SHOP, status: "processed" } })).toBe(ids.length);
  });

  it("a customers/create whose writes fail (the database refuses the ERP customer) is not marked done: the job is retried and the customer is stored by the retry", async () => {
    h.sim.setCustomer(SHOP, seCustomer(450));
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(450))))).toBe(200);
    await db().$executeRawUnsafe(`CREATE TRIGGER fail_erp_450 BEFORE INSERT ON "ErpCustomer" WHEN NEW."email" = 'kund450@example.test' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const q = new JobQueue(db(), h.app.service.jobHandlers, { backoffScale: 0.001 });
    try {
      await q.runOne((await q.claim())!);
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER fail_erp_450`);
    }
    const job = await db().job.findFirstOrThrow({ where: { shop: SHOP, key: gid(450) } });
    expect(job).toMatchObject({ status: "queued", attempts: 1, lastError: "1 record(s) could not be saved; the webhook is processed again" });
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(450) } })).toBe(0);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(450), code: "internal" } })).toBe(1);

    await q.drain({ includeDelayed: true, timeoutMs: 5000 });
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done", attempts: 2 });
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(450), linkSource: "created" } })).toBe(1);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund450@example.test" } })).toBe(1);
  });
});

describe("a Sync job and webhook jobs of the same shop", () => {
  it("a customer created by webhook while the Sync is running ends with one ERP customer, linked once; the Sync neither clears its link nor creates it again", async () => {
    const store = generateCustomers({ count: 150, seed: 99 });
    h.sim.setCustomers(SYNC_SHOP, store);
    h.sim.setBucket(SYNC_SHOP, 1_000_000, 100_000);
    // Slow pages: the Sync is still reading when the webhook's job runs.
    h.sim.fault(SYNC_SHOP, { type: "latency", operation: "customers", times: 100, ms: 300 });
    await h.app.service.startSyncInBackground(SYNC_SHOP, "manual");
    const worker = new JobQueue(db(), h.app.service.jobHandlers, { concurrency: 2, pollMs: 5, backoffScale: 0.005 });
    worker.start();
    try {
      await until(async () => (await db().syncRun.count({ where: { shop: SYNC_SHOP, kind: "syncCustomers", read: { gt: 0 } } })) > 0);
      // A new customer signs up in Shopify now: the newest change, so the Sync reads it in its last page.
      h.sim.setCustomer(SYNC_SHOP, seCustomer(9001, { email: "nykund@example.test" }));
      expect(await post(signedWebhook(h.webhookUrl, SYNC_SHOP, "customers/create", h.sim.webhookPayload(SYNC_SHOP, "customers/create", gid(9001))))).toBe(200);
      await until(async () => (await db().job.count({ where: { shop: SYNC_SHOP, status: { in: ["queued", "running"] } } })) === 0, 30_000);
    } finally {
      await worker.stop();
      h.sim.clearFaults(SYNC_SHOP);
    }
    const run = await db().syncRun.findFirstOrThrow({ where: { shop: SYNC_SHOP, kind: "syncCustomers" } });
    expect(await db().syncLogEntry.findMany({ where: { shop: SYNC_SHOP, code: { in: ["staleLinkCleared", "internal"] } }, select: { code: true, message: true, shopifyCustomerId: true, runId: true } })).toEqual([]);
    expect(run.status).toBe("succeeded");
    expect(await db().erpCustomer.count({ where: { shop: SYNC_SHOP, email: "nykund@example.test" } })).toBe(1);
    const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SYNC_SHOP, shopifyId: gid(9001) } } });
    expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SYNC_SHOP, no: mirror.erpCustomerNo } } })).toMatchObject({ email: "nykund@example.test" });
    // Every Shopify customer mirrored once; each created link its own ERP customer.
    expect(await db().mirrorCustomer.count({ where: { shop: SYNC_SHOP } })).toBe(151);
    const created = (await db().mirrorCustomer.findMany({ where: { shop: SYNC_SHOP, linkSource: "created" } })).map((m) => m.erpCustomerNo);
    expect(new Set(created).size).toBe(created.length);
    expect(await db().erpCustomer.count({ where: { shop: SYNC_SHOP } })).toBe(created.length);
  }, 40_000);

  it("a Sync run from the command line (npm run sync) while the worker processes a customers/create takes turns with it: one ERP customer, no stale link, no taken number", async () => {
    const shop = "reliability-concurrency-cli.myshopify.com";
    await seedShop(h, shop);
    h.sim.setCustomers(shop, generateCustomers({ count: 150, seed: 98 }));
    h.sim.setBucket(shop, 1_000_000, 100_000);
    h.sim.fault(shop, { type: "latency", operation: "customers", times: 100, ms: 300 });
    const worker = new JobQueue(db(), h.app.service.jobHandlers, { concurrency: 2, pollMs: 5, backoffScale: 0.005 });
    worker.start();
    let sync: Promise<unknown> | null = null;
    try {
      // As the command line does: the engine under withShopLock (app/cli/sync.ts), outside the queue.
      const { withShopLock } = await import("../../app/jobs/queue");
      sync = withShopLock(db(), shop, "Sync customers", () => h.app.service.sync.syncCustomers(shop, { trigger: "cli", readMode: "paged" }), { pollMs: 20 });
      await until(async () => (await db().syncRun.count({ where: { shop, kind: "syncCustomers", read: { gt: 0 } } })) > 0);
      h.sim.setCustomer(shop, seCustomer(9002, { email: "cli-kund@example.test" }));
      expect(await post(signedWebhook(h.webhookUrl, shop, "customers/create", h.sim.webhookPayload(shop, "customers/create", gid(9002))))).toBe(200);
      await sync;
      await until(async () => (await db().job.count({ where: { shop, status: { in: ["queued", "running"] } } })) === 0, 30_000);
    } finally {
      await sync?.catch(() => undefined);
      await worker.stop();
      h.sim.clearFaults(shop);
    }
    // Before withShopLock: C90056 created by the webhook, then `staleLinkCleared` (C90056 "no longer exists") and
    // C90145 created by the Sync for the same customer; the mirror pointed to C90145, C90056 orphaned.
    expect(await db().erpCustomer.count({ where: { shop, email: "cli-kund@example.test" } })).toBe(1);
    expect(await db().syncLogEntry.findMany({ where: { shop, code: { in: ["staleLinkCleared", "internal"] } }, select: { code: true, message: true } })).toEqual([]);
  }, 40_000);
});

describe("one shop's keyed jobs run one at a time", () => {
  it("a shop's Sync job and its customer jobs exclude each other, whichever came first; another shop's jobs run beside the Sync", async () => {
    const shop = "reliability-concurrency-keys.myshopify.com";
    const other = "reliability-concurrency-keys-other.myshopify.com";
    const third = "reliability-concurrency-keys-third.myshopify.com";
    const { enqueue } = await import("../../app/jobs/queue");
    const spans: Array<{ shop: string; key: string; start: number; end: number }> = [];
    const work = async (job: { shop: string; key: string }, p: { ms: number }) => {
      const start = Date.now();
      await sleep(p.ms);
      spans.push({ shop: job.shop, key: job.key, start, end: Date.now() });
    };
    // shop: the Sync first, then customer jobs; third: a customer job first, then the Sync; other: short jobs.
    await enqueue(db(), { shop, kind: "work", key: `sync:${shop}`, payload: { ms: 300 } });
    for (let i = 1; i < 4; i++) await enqueue(db(), { shop, kind: "work", key: gid(i), payload: { ms: 30 } });
    await enqueue(db(), { shop: third, kind: "work", key: gid(1), payload: { ms: 150 } });
    await enqueue(db(), { shop: third, kind: "work", key: `sync:${third}`, payload: { ms: 50 } });
    await enqueue(db(), { shop: other, kind: "work", key: gid(1), payload: { ms: 50 } });
    await enqueue(db(), { shop: other, kind: "work", key: `orders:${other}`, payload: { ms: 50 } });
    const workers = [0, 1].map(() => new JobQueue(db(), { work }, { concurrency: 3, pollMs: 5 }));
    for (const w of workers) w.start();
    try {
      await until(async () => spans.length === 8);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const overlap = (a: (typeof spans)[0], b: (typeof spans)[0]) => a.start < b.end && b.start < a.end;
    for (const s of [shop, other, third]) {
      const mine = spans.filter((x) => x.shop === s);
      for (const a of mine) expect(mine.filter((b) => b !== a && overlap(a, b))).toEqual([]);
    }
    // The other shops were not held up by this shop's Sync.
    const sync = spans.find((x) => x.key === `sync:${shop}`)!;
    expect(spans.filter((x) => x.shop !== shop && overlap(x, sync)).length).toBeGreaterThan(0);
  });
});
