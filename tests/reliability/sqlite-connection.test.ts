// The app's Prisma client on SQLite (app/db.server.ts) uses one better-sqlite3 connection for everything. The driver
// adapter serialises transactions with a mutex, but a statement sent outside a transaction while another request's
// transaction is open runs on the same connection, inside that transaction. Committed, no harm; rolled back, the
// other request's write is silently undone. This is why the webhook route never lets its transaction fail on a
// duplicate (app/webhooks/receive.server.ts), and why a failed page write of a Sync could undo a webhook job's
// bookkeeping (seen in bench/webhooks before the fixes: sync runs left `running` whose finishRun was rolled back).
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, migrateFresh } from "../support/app-harness";

const file = path.join(ROOT, "tmp", `reliability-sqlite-${process.pid}.sqlite`);
let db: PrismaClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  migrateFresh(file);
  process.env.DATABASE_URL = "file:" + file;
  const { createPrismaClient } = await import("../../app/db.server");
  db = createPrismaClient("file:" + file);
});
afterAll(async () => {
  await db?.$disconnect();
  const { rmSync } = await import("node:fs");
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
});

describe("one shared SQLite connection", () => {
  it("a committed transaction and a write made beside it both stay", async () => {
    const tx = db.$transaction(async (t) => {
      await t.companyInformation.create({ data: { shop: "a.myshopify.com", name: "A" } });
      await sleep(50);
    });
    await sleep(10);
    await db.companyInformation.create({ data: { shop: "b.myshopify.com", name: "B" } });
    await tx;
    expect(await db.companyInformation.count()).toBe(2);
  });

  it("a write made by another request while a transaction is open waits for it, and stays when that transaction rolls back", async () => {
    const tx = db.$transaction(async (t) => {
      await t.companyInformation.create({ data: { shop: "c.myshopify.com", name: "C" } });
      await sleep(50);
      throw new Error("this request's transaction fails");
    });
    await sleep(10);
    // Another request, not in any transaction: its own write, answered as done.
    await db.companyInformation.create({ data: { shop: "d.myshopify.com", name: "D" } });
    await expect(tx).rejects.toThrow("this request's transaction fails");
    expect(await db.companyInformation.count({ where: { shop: "c.myshopify.com" } })).toBe(0);
    expect(await db.companyInformation.count({ where: { shop: "d.myshopify.com" } })).toBe(1);
  });
});
