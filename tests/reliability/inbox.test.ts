// The webhook inbox (app/webhooks/inbox.server.ts) through the app's real webhook path: while another writer holds
// the database's write lock (the worker in a job's transaction), a delivery is answered at once and recorded in the
// inbox; moved into the database afterwards it is processed exactly once — duplicates, a crash between the move's
// two commits and shop/redact included.
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jobRow } from "../../app/jobs/queue";
import { sqliteDate } from "../../app/sync/bulk-insert";
import { startHarness, type Harness } from "../support/app-harness";
import { drain, gid, post, removeDb, seCustomer, seedShop, signedWebhook, type SignedWebhook } from "./support";

const SHOP = "reliability-inbox.myshopify.com";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-inbox" });
  await seedShop(h, SHOP);
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const db = () => h.app.prisma;
const inbox = () => h.app.inbox;
const payloadOf = (n: number) => h.sim.webhookPayload(SHOP, "customers/create", gid(n));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another writer on the database (the worker in a job's transaction): holds its write lock until released. */
let held: Database.Database | null = null;
function holdWriteLock() {
  const other = new Database(h.dbFile);
  other.exec("BEGIN IMMEDIATE");
  held = other;
  const since = Date.now();
  return {
    /** Wait until the lock has been held `ms` in all. */
    heldFor: (ms: number) => sleep(since + ms - Date.now()),
    release,
  };
}
function release() {
  if (!held) return;
  held.exec("COMMIT");
  held.close();
  held = null;
}
afterEach(release);

/** POST and time the answer. */
async function timedPost(w: SignedWebhook): Promise<{ status: number; ms: number }> {
  const t0 = Date.now();
  const status = await post(w);
  return { status, ms: Date.now() - t0 };
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

describe("a delivery while the database is write-locked", () => {
  it("is answered 200 at once from the inbox (a second copy adds nothing); once the lock is gone it is processed exactly once", async () => {
    h.sim.setCustomer(SHOP, seCustomer(401));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(401));
    const erpBefore = await db().erpCustomer.count({ where: { shop: SHOP } });
    expect(inbox().inboxCount()).toBe(0);

    const lock = holdWriteLock();
    const first = await timedPost(w);
    expect(first.status).toBe(200);
    expect(first.ms).toBeLessThan(1000);
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(0);
    expect(inbox().inboxCount()).toBe(1);
    // Shopify sends the same delivery again (it did not see the answer): the inbox keeps one.
    const second = await timedPost(w);
    expect(second).toMatchObject({ status: 200 });
    expect(second.ms).toBeLessThan(1000);
    expect(inbox().inboxCount(SHOP)).toBe(1);
    // The web process's mover keeps trying while the lock is held (1.5 s in all): nothing reaches the database.
    await lock.heldFor(1500);
    expect(inbox().inboxCount()).toBe(1);
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(0);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(401) } })).toBe(0);
    lock.release();

    await drain(h);
    expect(inbox().inboxCount()).toBe(0);
    expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } })).toMatchObject({ shop: SHOP, eventId: w.eventId, topic: "customers/create", status: "processed" });
    expect(await db().job.findMany({ where: { shop: SHOP, key: gid(401) }, select: { status: true } })).toEqual([{ status: "done" }]);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpBefore + 1);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund401@example.test" } })).toBe(1);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(401) } })).toBe(1);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(401), code: "created" } })).toBe(1);
  });

  it("a delivery already recorded, delivered again (same webhook id, or same event id under a new one) while locked, goes to the inbox and gets no second job", async () => {
    h.sim.setCustomer(SHOP, seCustomer(402));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(402));
    expect(await post(w)).toBe(200);
    expect(inbox().inboxCount()).toBe(0);
    await drain(h);
    const erpBefore = await db().erpCustomer.count({ where: { shop: SHOP } });

    const lock = holdWriteLock();
    const again = await timedPost(w);
    expect(again.status).toBe(200);
    expect(again.ms).toBeLessThan(1000);
    const retry = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(402), { eventId: w.eventId });
    expect(await post(retry)).toBe(200);
    expect(inbox().inboxCount(SHOP)).toBe(2);
    lock.release();

    await drain(h);
    expect(inbox().inboxCount()).toBe(0);
    expect(await db().webhookReceipt.count({ where: { eventId: w.eventId } })).toBe(1);
    expect(await db().webhookReceipt.count({ where: { webhookId: retry.webhookId } })).toBe(0);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(402) } })).toBe(1);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpBefore);
  });

  it("two deliveries of the shop sent while locked become jobs without the queue: the web process moves its inbox once the lock is gone", async () => {
    for (const n of [404, 405]) h.sim.setCustomer(SHOP, seCustomer(n));
    const ws = [404, 405].map((n) => signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(n)));
    const keys = [gid(404), gid(405)];
    const lock = holdWriteLock();
    for (const w of ws) expect(await post(w)).toBe(200);
    expect(inbox().inboxCount(SHOP)).toBe(2);
    expect(await db().job.count({ where: { shop: SHOP, key: { in: keys } } })).toBe(0);
    lock.release();

    // No drain, no queue running: only the web process's own mover can bring them into the database.
    const moved = await until(async () => (await db().job.count({ where: { shop: SHOP, key: { in: keys }, status: { in: ["queued", "done"] } } })) === 2, 2000);
    expect(moved).toBe(true);
    expect(inbox().inboxCount()).toBe(0);
    expect(await db().webhookReceipt.count({ where: { webhookId: { in: ws.map((w) => w.webhookId) } } })).toBe(2);

    await drain(h);
    expect(await db().job.findMany({ where: { shop: SHOP, key: { in: keys } }, select: { status: true } })).toEqual([{ status: "done" }, { status: "done" }]);
    for (const n of [404, 405]) {
      expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(n) } })).toBe(1);
      expect(await db().erpCustomer.count({ where: { shop: SHOP, email: `kund${n}@example.test` } })).toBe(1);
    }
  });
});

describe("the move", () => {
  it("after a crash between the move's commit in the database and its delete from the inbox, the next move finds the delivery recorded: no second job, inbox emptied", async () => {
    h.sim.setCustomer(SHOP, seCustomer(403));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(403));
    expect(await post(w)).toBe(200);
    await drain(h);
    const jobsBefore = await db().job.count();

    // The inbox row left behind by the crashed move: the delivery as it was recorded.
    const payload = JSON.parse(w.body);
    await inbox().addToInbox([
      {
        shop: SHOP,
        webhookId: w.webhookId,
        eventId: w.eventId,
        topic: "customers/create",
        receivedAt: sqliteDate(new Date()),
        job: () => {
          const job = jobRow({ shop: SHOP, kind: "webhook", key: gid(403), payload: { topic: "customers/create", payload, webhookId: w.webhookId } });
          return { kind: job.kind, key: job.key, payload: job.payload, maxAttempts: job.maxAttempts };
        },
      },
    ]);
    expect(inbox().inboxCount()).toBe(1);

    expect(await inbox().moveInbox({ wait: true })).toEqual({ moved: 1, left: false });
    expect(inbox().inboxCount()).toBe(0);
    expect(await db().job.count()).toBe(jobsBefore);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(403) } })).toBe(1);
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(1);
    await drain(h);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund403@example.test" } })).toBe(1);
  });
});

describe("shop/redact", () => {
  it("a move that was waiting for the lock while the shop was redacted does not bring the shop's deliveries back", async () => {
    const gone = "reliability-inbox-gone-late.myshopify.com";
    const deliveries = [511, 512].map((n) => signedWebhook(h.webhookUrl, gone, "customers/update", { id: n, admin_graphql_api_id: gid(n), email: `gone${n}@example.test` }));
    const lock = holdWriteLock();
    for (const w of deliveries) expect(await post(w)).toBe(200);
    expect(inbox().inboxCount(gone)).toBe(2);
    // The job queue's move starts and waits for the lock; meanwhile shop/redact runs: the inbox's rows first, then the
    // database's — here the writer holding the lock is the redaction's transaction.
    const move = inbox().moveInbox({ wait: true });
    await sleep(20);
    expect(await inbox().deleteShopFromInbox(gone)).toBe(2);
    held!.exec(`DELETE FROM "WebhookReceipt" WHERE "shop" = '${gone}'; DELETE FROM "Job" WHERE "shop" = '${gone}'`);
    lock.release();
    await move;
    expect(await db().webhookReceipt.count({ where: { shop: gone } })).toBe(0);
    expect(await db().job.count({ where: { shop: gone } })).toBe(0);
    expect(inbox().inboxCount()).toBe(0);
  });

  it("deletes the shop's deliveries waiting in the inbox, counts them in rowsDeleted, and leaves another shop's", async () => {
    const gone = "reliability-inbox-gone.myshopify.com";
    const goneDeliveries = [501, 502, 503].map((n) => signedWebhook(h.webhookUrl, gone, "customers/update", { id: n, admin_graphql_api_id: gid(n), email: `gone${n}@example.test` }));
    h.sim.setCustomer(SHOP, seCustomer(407));
    const kept = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(407));

    const lock = holdWriteLock();
    for (const w of [...goneDeliveries, kept]) expect(await post(w)).toBe(200);
    expect(inbox().inboxCount(gone)).toBe(3);
    expect(inbox().inboxCount(SHOP)).toBe(1);
    // Redacted while the database is still locked: its rows in the database wait for the lock, the inbox's go now.
    const redacted = h.app.privacy.redactShop(db(), gone);
    expect(await until(async () => inbox().inboxCount(gone) === 0, 2000)).toBe(true);
    expect(inbox().inboxCount(SHOP)).toBe(1);
    lock.release();
    expect(await redacted).toEqual({ rowsDeleted: 3 });

    await drain(h);
    expect(inbox().inboxCount()).toBe(0);
    expect(await db().webhookReceipt.count({ where: { shop: gone } })).toBe(0);
    expect(await db().job.count({ where: { shop: gone } })).toBe(0);
    expect(await db().job.findMany({ where: { shop: SHOP, key: gid(407) }, select: { status: true } })).toEqual([{ status: "done" }]);
  });
});
