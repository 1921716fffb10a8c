// The app's Prisma client on SQLite (app/db.server.ts) uses one better-sqlite3 connection for everything. The driver
// adapter serialises transactions with a mutex, but a statement sent outside a transaction while another request's
// transaction is open runs on the same connection, inside that transaction. Committed, no harm; rolled back, the
// other request's write is silently undone. This is why the webhook route never lets its transaction fail on a
// duplicate (app/webhooks/receive.server.ts), and why a failed page write of a Sync could undo a webhook job's
// bookkeeping (seen in bench/webhooks before the fixes: sync runs left `running` whose finishRun was rolled back).
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDatabase } from "../support/app-harness";

const temp = tempDatabase("reliability-sqlite");
const file = temp.file;
let db: PrismaClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await temp.setup();
  db = temp.db;
});
afterAll(() => temp.teardown());

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

// Another process on the same database file: the job worker (`npm run worker`) or `npm run sync` beside the web
// process. Each has its own connection; SQLite's file locks order their writes.
describe("another process writing the same database", () => {
  it("the database is in write-ahead-log mode, every commit synced", async () => {
    const [mode] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>("PRAGMA journal_mode");
    expect(mode.journal_mode).toBe("wal");
    const [sync] = await db.$queryRawUnsafe<Array<{ synchronous: bigint | number }>>("PRAGMA synchronous");
    expect(Number(sync.synchronous)).toBe(2); // FULL
  });

  it("a transaction waits for another connection's write lock without blocking this process, then commits", async () => {
    const { default: Database } = await import("better-sqlite3");
    const other = new Database(file);
    other.prepare("BEGIN IMMEDIATE").run();
    other.prepare(`INSERT INTO "CompanyInformation" ("shop", "name", "countryCode") VALUES ('other-1.myshopify.com', 'Other', '')`).run();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const released = sleep(300).then(() => other.prepare("COMMIT").run());
    const started = Date.now();
    await db.$transaction(async (t) => {
      await t.companyInformation.count();
      await t.companyInformation.create({ data: { shop: "waiting.myshopify.com", name: "W" } });
    });
    clearInterval(ticker);
    await released;
    other.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The event loop kept running while the transaction waited (SQLite's own busy wait would have frozen it).
    expect(ticks).toBeGreaterThan(10);
    expect(await db.companyInformation.count({ where: { shop: { in: ["other-1.myshopify.com", "waiting.myshopify.com"] } } })).toBe(2);
  });

  it("transactions that read, then write, while another process keeps writing: none fails with SQLITE_BUSY", async () => {
    const { spawn } = await import("node:child_process");
    // The other process: 150 short write transactions, as a worker writing its jobs' results.
    const script = `
      const Database = require(${JSON.stringify(path.join(ROOT, "node_modules", "better-sqlite3"))});
      const db = new Database(${JSON.stringify(file)}, { timeout: 10000 });
      const insert = db.prepare('INSERT INTO "CompanyInformation" ("shop", "name", "countryCode") VALUES (?, ?, \\'\\')');
      process.stdout.write("ready\\n");
      for (let i = 0; i < 150; i++) {
        db.transaction(() => insert.run("proc-" + i + ".myshopify.com", "P"))();
        const until = Date.now() + 2; while (Date.now() < until) {}
      }
      db.close();
    `;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((r) => child.stdout!.once("data", r));
    const exited = new Promise<number | null>((r) => child.once("exit", r));
    const failures: string[] = [];
    let done = 0;
    while (done < 40) {
      try {
        await db.$transaction(async (t) => {
          const n = await t.companyInformation.count();
          await sleep(2);
          await t.companyInformation.create({ data: { shop: `app-${done}.myshopify.com`, name: String(n) } });
        });
      } catch (e) {
        failures.push(String((e as Error).message).slice(0, 200));
      }
      done++;
    }
    expect(await exited).toBe(0);
    expect(failures).toEqual([]);
    expect(await db.companyInformation.count({ where: { shop: { startsWith: "app-" } } })).toBe(40);
    expect(await db.companyInformation.count({ where: { shop: { startsWith: "proc-" } } })).toBe(150);
  }, 30_000);
});

describe("direct writes (the webhook receipts' path)", () => {
  it("wait for another connection's write lock without blocking this process, commit all or nothing", async () => {
    const { writeDirect, closeDirectConnections } = await import("../../app/db.server");
    const { default: Database } = await import("better-sqlite3");
    const url = "file:" + file;
    const insert = (db: any, shop: string) => db.prepare(`INSERT INTO "CompanyInformation" ("shop", "name", "countryCode") VALUES (?, 'D', '')`).run(shop);

    // Held by another connection for 300 ms: the direct write waits on a timer, the event loop keeps running.
    const other = new Database(file);
    other.prepare("BEGIN IMMEDIATE").run();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const released = sleep(300).then(() => other.prepare("COMMIT").run());
    const started = Date.now();
    await writeDirect((db) => insert(db, "direct-1.myshopify.com"), url);
    clearInterval(ticker);
    await released;
    other.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(ticks).toBeGreaterThan(10);

    // Held by the app's own Prisma transaction: the direct write waits for it, both commit.
    const tx = db.$transaction(async (t) => {
      await t.companyInformation.create({ data: { shop: "prisma-tx.myshopify.com", name: "P" } });
      await sleep(100);
    });
    await sleep(10);
    await writeDirect((d) => insert(d, "direct-2.myshopify.com"), url);
    await tx;

    // Work that fails leaves nothing behind.
    await expect(
      writeDirect((d) => {
        insert(d, "direct-3.myshopify.com");
        throw new Error("the second row is bad");
      }, url),
    ).rejects.toThrow("the second row is bad");
    closeDirectConnections();
    const shops = (await db.companyInformation.findMany({ where: { shop: { in: ["direct-1.myshopify.com", "prisma-tx.myshopify.com", "direct-2.myshopify.com", "direct-3.myshopify.com"] } }, select: { shop: true } })).map((r) => r.shop).sort();
    expect(shops).toEqual(["direct-1.myshopify.com", "direct-2.myshopify.com", "prisma-tx.myshopify.com"]);
  });
});
