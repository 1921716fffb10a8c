// The app server's webhook path against what a careless or hostile sender does: a Shopify header sent twice, many
// large bodies at once, a delivery whose job cannot be built in a group with good ones, an inbox file replaced or
// corrupt while the app runs.
import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import Database from "better-sqlite3";
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  vi,
} from "vitest";
import { inboxUrl } from "../../app/db-url";
import { startHarness, type Harness } from "../support/app-harness";
import {
  gid,
  post,
  removeDb,
  seCustomer,
  seedShop,
  signedWebhook,
} from "./support";

const SHOP = "reliability-edges.myshopify.com";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-edges" });
  await seedShop(h, SHOP);
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});
afterEach(() => {
  delete process.env.WEBHOOK_MAX_INFLIGHT_BYTES;
  vi.restoreAllMocks();
});

const db = () => h.app.prisma;
const payloadOf = (n: number) =>
  h.sim.webhookPayload(SHOP, "customers/create", gid(n));
function delivery(n: number) {
  h.sim.setCustomer(SHOP, seCustomer(n));
  return signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(n));
}
const receipts = (webhookId: string) =>
  db().webhookReceipt.count({ where: { webhookId } });
const inboxFile = () => inboxUrl("file:" + h.dbFile).replace(/^file:/, "");

/** A raw HTTP request (a header named twice is sent twice; fetch would join the values). */
function raw(o: { headers: Array<[string, string]>; body?: string }): Promise<{ status: number; text: string }> {
  const url = new URL(h.webhookUrl);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of o.headers) {
    const had = headers[name];
    headers[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

describe("webhook deliveries a careless or hostile sender makes", () => {
  it("a Shopify header sent twice is a 400 that names it, and nothing is stored", async () => {
    const w = delivery(9001);
    const headers = Object.entries({
      ...w.headers,
      "Content-Length": String(Buffer.byteLength(w.body)),
    }) as Array<[string, string]>;
    const answer = await raw({
      headers: [...headers, ["X-Shopify-Webhook-Id", w.webhookId]],
      body: w.body,
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/X-Shopify-Webhook-Id header is repeated/);
    expect(await receipts(w.webhookId)).toBe(0);
    expect(await receipts(`${w.webhookId}, ${w.webhookId}`)).toBe(0);
    // The same delivery sent properly is taken.
    expect(await post(w)).toBe(200);
    expect(await receipts(w.webhookId)).toBe(1);
  });

  it("bodies being read at once are held to WEBHOOK_MAX_INFLIGHT_BYTES: one more is a 503 with Retry-After, a body read frees its share", async () => {
    process.env.WEBHOOK_MAX_INFLIGHT_BYTES = "5000";
    const url = new URL(h.webhookUrl);
    // An unsigned sender announces 3,000 bytes and holds them back: it takes 3,000 of the 5,000.
    const holding = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": "3000" },
    });
    holding.on("error", () => undefined);
    holding.write("{");
    try {
      await new Promise((r) => setTimeout(r, 200));
      const big = "x".repeat(3000);
      const second = await raw({
        headers: [
          ["Content-Type", "application/json"],
          ["Content-Length", String(big.length)],
        ],
        body: big,
      });
        expect(second.status).toBe(503);
      // A small signed delivery still fits beside the held one.
      const w = delivery(9002);
      expect(await post(w)).toBe(200);
      expect(await receipts(w.webhookId)).toBe(1);
      // The held sender goes away: its share is free again, and a body of 3,000 bytes is read (and refused as unsigned).
      holding.destroy();
      await new Promise((r) => setTimeout(r, 200));
      const third = await raw({
        headers: [
          ["Content-Type", "application/json"],
          ["Content-Length", String(big.length)],
        ],
        body: big,
      });
      expect(third.status).toBe(400);
    } finally {
      holding.destroy();
    }
  });

  it("a delivery whose job cannot be written fails alone (500), the deliveries sent with it are recorded", async () => {
    // Signed and valid JSON, but nested so deep that writing it as the job's payload overflows the stack.
    const depth = 100_000;
    const deep = signedWebhook(h.webhookUrl, SHOP, "customers/create", {});
    const body =
      '{"id":9005,"a":' + '{"a":'.repeat(depth) + "1" + "}".repeat(depth) + "}";
    const bad = signedWebhook(
      h.webhookUrl,
      SHOP,
      "customers/create",
      {},
      { webhookId: deep.webhookId }
    );
    const { signWebhook } = await import("../simulator/webhooks");
    const { API_SECRET } = await import("../support/app-harness");
    bad.headers["X-Shopify-Hmac-Sha256"] = signWebhook(body, API_SECRET);
    const errors = vi
      .spyOn(console, "error")
      .mockImplementation(() => undefined);
    const good = [delivery(9003), delivery(9004)];
    const statuses = await Promise.all([
      post(good[0]),
      post(bad, { body }),
      post(good[1]),
    ]);
    errors.mockRestore();
    expect(statuses).toEqual([200, 500, 200]);
    for (const w of good) expect(await receipts(w.webhookId)).toBe(1);
    expect(await receipts(bad.webhookId)).toBe(0);
  });
});

describe("the inbox file", () => {
  function holdWriteLock() {
    const other = new Database(h.dbFile);
    other.exec("BEGIN IMMEDIATE");
    return () => {
      other.exec("COMMIT");
      other.close();
    };
  }

  it("replaced while the app runs (a restored backup): the next deliveries go into the new file, where every process sees them", async () => {
    // A delivery while the database is busy creates and uses the inbox.
    let release = holdWriteLock();
    const first = delivery(9010);
    expect(await post(first)).toBe(200);
    expect(h.app.inbox.inboxCount()).toBe(1);
    // The inbox is replaced by an empty copy of itself taken before (the restore of a backup).
    release();
    await h.app.inbox.moveInbox({ wait: true });
    copyFileSync(inboxFile(), inboxFile() + ".bak");
    for (const s of ["", "-wal", "-shm"])
      rmSync(inboxFile() + s, { force: true });
    copyFileSync(inboxFile() + ".bak", inboxFile());
    rmSync(inboxFile() + ".bak");
    // The app looks at the file again at most a second after it last did (a stat call, not one per delivery).
    await new Promise((r) => setTimeout(r, 1100));
    release = holdWriteLock();
    const second = delivery(9011);
    try {
      expect(await post(second)).toBe(200);
      // Another process's connection to the file on disk sees it.
      const other = new Database(inboxFile(), { readonly: true });
      expect(
        (
          other
            .prepare(
              `SELECT COUNT(*) AS n FROM "Delivery" WHERE "webhookId" = ?`
            )
            .get(second.webhookId) as { n: number }
        ).n
      ).toBe(1);
      other.close();
    } finally {
      release();
    }
    await h.app.inbox.moveInbox({ wait: true });
    expect(await receipts(second.webhookId)).toBe(1);
  });

  it("corrupt: a delivery to a free database is still recorded; one that finds it busy is a 500 (sent again), the error names the file once", async () => {
    const errors = vi
      .spyOn(console, "error")
      .mockImplementation(() => undefined);
    h.app.closeDirectConnections();
    for (const s of ["", "-wal", "-shm"])
      rmSync(inboxFile() + s, { force: true });
    writeFileSync(inboxFile(), Buffer.alloc(8192, 0x5a));
    try {
      const w = delivery(9020);
      expect(await post(w)).toBe(200);
      expect(await receipts(w.webhookId)).toBe(1);
      const release = holdWriteLock();
      try {
        expect(await post(delivery(9021))).toBe(500);
      } finally {
        release();
      }
      const moved = h.app.inbox.moveInbox({ wait: true });
      await expect(moved).rejects.toThrow(inboxFile());
    } finally {
      errors.mockRestore();
      h.app.closeDirectConnections();
      for (const s of ["", "-wal", "-shm"])
        rmSync(inboxFile() + s, { force: true });
    }
  });
});
