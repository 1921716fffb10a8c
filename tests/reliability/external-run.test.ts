// Work run outside the queue (npm run sync) takes its turn with the shop's keyed jobs: it waits for a running one,
// and while it runs the queue claims none of that shop's keyed jobs (but still those of other shops). A page's
// action takes the same turn without waiting (tryShopLock): it runs when the turn is free and otherwise says so.
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDatabase } from "../support/app-harness";

const temp = tempDatabase("reliability-external");
let db: PrismaClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await temp.setup();
  db = temp.db;
});
afterAll(() => temp.teardown());

describe("withShopLock", () => {
  it("waits for the shop's running keyed job, then holds the queue back from that shop only", async () => {
    const { JobQueue, enqueue, withShopLock } = await import("../../app/jobs/queue");
    const shop = "lock-shop.myshopify.com";
    const running = await enqueue(db, { shop, kind: "webhook", key: "gid://shopify/Customer/1" });
    await db.job.update({ where: { id: running.id }, data: { status: "running", lockedAt: new Date(), lockedBy: "worker-a" } });

    const events: string[] = [];
    let waited = false;
    const external = withShopLock(
      db,
      shop,
      "Sync customers",
      async () => {
        events.push("external started");
        const queue = new JobQueue(db, {});
        await enqueue(db, { shop, kind: "webhook", key: "gid://shopify/Customer/2" });
        await enqueue(db, { shop: "other-shop.myshopify.com", kind: "webhook", key: "gid://shopify/Customer/9" });
        const claimed = await queue.claim();
        events.push(`queue claimed ${claimed?.shop ?? "nothing"}`);
        return 42;
      },
      { pollMs: 20, onWait: () => (waited = true) },
    );
    await sleep(150);
    expect(events).toEqual([]);
    expect(waited).toBe(true);
    await db.job.update({ where: { id: running.id }, data: { status: "done", lockedAt: null } });
    expect(await external).toBe(42);
    expect(events).toEqual(["external started", "queue claimed other-shop.myshopify.com"]);
    const own = await db.job.findFirst({ where: { kind: "externalRun", shop } });
    expect(own?.status).toBe("done");
    // Released: the shop's queued keyed job can be claimed now.
    const queue = new JobQueue(db, {});
    expect((await queue.claim())?.key).toBe("gid://shopify/Customer/2");
  });
});

describe("tryShopLock", () => {
  const shop = "try-shop.myshopify.com";
  const other = "try-other.myshopify.com";
  const running = async (s: string, key: string) => {
    const { enqueue } = await import("../../app/jobs/queue");
    const job = await enqueue(db, { shop: s, kind: "webhook", key });
    return db.job.update({ where: { id: job.id }, data: { status: "running", lockedAt: new Date(), lockedBy: "worker-a" } });
  };

  it("runs at once when the turn is free and holds the queue back from that shop while it runs", async () => {
    const { JobQueue, enqueue, tryShopLock } = await import("../../app/jobs/queue");
    await db.job.deleteMany({});
    const seen: string[] = [];
    const r = await tryShopLock(db, shop, "Add customers to Shopify", async () => {
      await enqueue(db, { shop, kind: "webhook", key: "gid://shopify/Customer/2" });
      await enqueue(db, { shop: other, kind: "webhook", key: "gid://shopify/Customer/9" });
      seen.push(`queue claimed ${(await new JobQueue(db, {}).claim())?.shop ?? "nothing"}`);
      seen.push(`queue claimed ${(await new JobQueue(db, {}).claim())?.shop ?? "nothing"}`);
      // A second page's try in the meantime does not run.
      const second = await tryShopLock(db, shop, "Send account invites", async () => seen.push("second ran"));
      seen.push(`second ran: ${second.ran}`);
      return 7;
    });
    expect(r).toEqual({ ran: true, result: 7 });
    expect(seen).toEqual([`queue claimed ${other}`, "queue claimed nothing", "second ran: false"]);
    const turns = await db.job.findMany({ where: { kind: "externalRun", shop } });
    expect(turns.map((t) => [t.status, t.key, JSON.parse(t.payload).label, t.lockedAt])).toEqual([["done", `external:${shop}`, "Add customers to Shopify", null]]);
    // Given back: the shop's keyed job is claimed now.
    expect((await new JobQueue(db, {}).claim())?.key).toBe("gid://shopify/Customer/2");
  });

  it("does not run while a keyed job of the shop runs (another shop's or an unkeyed one does not count), and runs again after it", async () => {
    const { tryShopLock } = await import("../../app/jobs/queue");
    await db.job.deleteMany({});
    const busy = await running(shop, "gid://shopify/Customer/1");
    await running(other, "gid://shopify/Customer/5");
    let calls = 0;
    const work = async () => ++calls;
    expect(await tryShopLock(db, shop, "Add customers to Shopify", work)).toEqual({ ran: false });
    expect(await tryShopLock(db, shop, "Add customers to Shopify", work)).toEqual({ ran: false });
    expect(calls).toBe(0);
    expect(await db.job.count({ where: { kind: "externalRun" } })).toBe(0);
    // Unkeyed running jobs of the shop do not hold its turn.
    await db.job.update({ where: { id: busy.id }, data: { key: "" } });
    expect(await tryShopLock(db, shop, "Add customers to Shopify", work)).toEqual({ ran: true, result: 1 });
    await db.job.update({ where: { id: busy.id }, data: { key: "gid://shopify/Customer/1" } });
    expect(await tryShopLock(db, shop, "Add customers to Shopify", work)).toEqual({ ran: false });
    await db.job.update({ where: { id: busy.id }, data: { status: "done", lockedAt: null } });
    expect(await tryShopLock(db, shop, "Add customers to Shopify", work)).toEqual({ ran: true, result: 2 });
    expect(calls).toBe(2);
    expect(await db.job.count({ where: { kind: "externalRun", shop, status: "done" } })).toBe(2);
  });

  it("work that throws gives the turn back, its row failed with the error, and the error reaches the caller", async () => {
    const { tryShopLock } = await import("../../app/jobs/queue");
    await db.job.deleteMany({});
    await expect(tryShopLock(db, shop, "Send account invites", async () => { throw new Error("Shopify is down"); })).rejects.toThrow("Shopify is down");
    const turn = await db.job.findFirstOrThrow({ where: { kind: "externalRun", shop } });
    expect([turn.status, turn.lastError, turn.lockedAt]).toEqual(["failed", "Shopify is down", null]);
    expect(await tryShopLock(db, shop, "Send account invites", async () => "again")).toEqual({ ran: true, result: "again" });
  });
});
