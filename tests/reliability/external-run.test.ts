// Work run outside the queue (npm run sync) takes its turn with the shop's keyed jobs: it waits for a running one,
// and while it runs the queue claims none of that shop's keyed jobs (but still those of other shops).
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, migrateFresh } from "../support/app-harness";

const file = path.join(ROOT, "tmp", `reliability-external-${process.pid}.sqlite`);
let db: PrismaClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  migrateFresh(file);
  const { createPrismaClient } = await import("../../app/db.server");
  db = createPrismaClient("file:" + file);
});
afterAll(async () => {
  await db?.$disconnect();
  const { rmSync } = await import("node:fs");
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
});

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
