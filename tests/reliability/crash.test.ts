// A Sync customers run that dies in the middle, then runs again, must end exactly where an uninterrupted run ends:
// no ERP customer created twice for one Shopify customer, no customer lost, every Shopify customer mirrored once.
// Three shops with the same store: CONTROL syncs without interruption; THROWN crashes in-process (the gateway
// throws after two pages, as a process dying between pages); KILLED runs in a child process killed with SIGKILL
// while it is reading. Both are then synced again and compared with CONTROL row by row.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCustomers } from "../simulator/generator";
import { ROOT, startHarness, type Harness } from "../support/app-harness";
import type { ShopifyGateway } from "../../app/shopify/gateway";
import { syncCustomers } from "../../app/sync/import";
import { CUSTOMER_PAGE_SIZE } from "../../app/shopify/operations";
import { removeDb, seedShop } from "./support";

const CONTROL = "reliability-crash-control.myshopify.com";
const THROWN = "reliability-crash-thrown.myshopify.com";
const KILLED = "reliability-crash-killed.myshopify.com";
const COUNT = 300;
let h: Harness;
const db = () => h.app.prisma;
const store = generateCustomers({ count: COUNT, seed: 4242 });

beforeAll(async () => {
  h = await startHarness({ name: "reliability-crash" });
  for (const shop of [CONTROL, THROWN, KILLED]) {
    await seedShop(h, shop);
    h.sim.setCustomers(shop, store);
    // A generous bucket: this test is about crashes, not pacing (throttling is in faults.test.ts).
    h.sim.setBucket(shop, 1_000_000, 100_000);
    // Some Shopify customers already exist in the ERP (matched by email, never created).
    for (const [i, c] of store.entries()) {
      if (i % 5 || !c.defaultEmailAddress?.emailAddress) continue;
      await h.app.master.setErpCustomer(db(), shop, { no: `E${String(i).padStart(5, "0")}`, name: `${c.firstName ?? ""} ${c.lastName ?? ""}`.trim() || "Kund", email: c.defaultEmailAddress.emailAddress, countryCode: "SE" });
    }
  }
  const control = await h.app.service.sync.syncCustomers(CONTROL, { trigger: "manual", readMode: "paged" });
  expect(control.status).toBe("succeeded");
}, 60_000);
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

/** The state that must converge: ERP customers (without timestamps) and each mirror's link, per shop. */
async function state(shop: string) {
  const erp = await db().erpCustomer.findMany({ where: { shop }, orderBy: { no: "asc" } });
  const mirrors = await db().mirrorCustomer.findMany({ where: { shop }, orderBy: { shopifyId: "asc" }, select: { shopifyId: true, erpCustomerNo: true, linkSource: true, contentHash: true } });
  const addresses = await db().mirrorAddress.findMany({ where: { shop }, orderBy: { shopifyId: "asc" }, select: { shopifyId: true, customerShopifyId: true, erpCustomerNo: true } });
  return {
    erp: erp.map(({ shop: _s, createdAt: _c, updatedAt: _u, ...r }) => r),
    mirrors,
    addresses,
    numberSeries: (await db().numberSeries.findUniqueOrThrow({ where: { shop } })).next,
  };
}

async function assertConverged(shop: string) {
  const s = await state(shop);
  const control = await state(CONTROL);
  // Every Shopify customer mirrored exactly once.
  expect(s.mirrors.map((m) => m.shopifyId)).toEqual(h.sim.customers(shop).map((c) => c.id).sort());
  expect(new Set(s.mirrors.map((m) => m.shopifyId)).size).toBe(COUNT);
  // No two ERP customers for one Shopify customer: each created link is its own ERP customer, created once.
  const created = s.mirrors.filter((m) => m.linkSource === "created").map((m) => m.erpCustomerNo);
  expect(new Set(created).size).toBe(created.length);
  const createdLog = await db().syncLogEntry.groupBy({ by: ["shopifyCustomerId"], where: { shop, code: "created" }, _count: { _all: true } });
  expect(createdLog.filter((g) => g._count._all > 1)).toEqual([]);
  const emails = s.erp.map((c) => c.email.toLowerCase()).filter(Boolean);
  expect(new Set(emails).size).toBe(emails.length);
  // And the same outcome as the uninterrupted run, row by row.
  expect(s.erp.length).toBe(control.erp.length);
  expect(s).toEqual(control);
}

describe("a Sync that dies in the middle and runs again", () => {
  it("the control run read every customer, created some and linked some (so the comparison means something)", async () => {
    const c = await state(CONTROL);
    expect(c.mirrors).toHaveLength(COUNT);
    expect(c.mirrors.filter((m) => m.linkSource === "created").length).toBeGreaterThan(100);
    expect(c.mirrors.filter((m) => m.linkSource === "matched").length).toBeGreaterThan(30);
  });

  it("crash after two pages (the gateway throws while reading page 3), then a full rerun: converges to the control state", async () => {
    const real = await h.app.service.gatewayFor(THROWN);
    let pages = 0;
    const crashing = Object.create(real) as ShopifyGateway;
    crashing.request = async (query: string, variables?: Record<string, unknown>, o?: { expectedCost?: number; mutation?: boolean }) => {
      if (query.includes("CustomersPage") && ++pages > 2) throw new Error("the process died");
      return real.request(query, variables, o);
    };
    const first = await syncCustomers({ db: db(), shop: THROWN, gateway: crashing }, { trigger: "manual", readMode: "paged" });
    expect(first.status).toBe("failed");
    expect(await db().mirrorCustomer.count({ where: { shop: THROWN } })).toBe(2 * CUSTOMER_PAGE_SIZE);
    // The watermark did not move: the rerun reads everything again.
    expect((await db().shopSettings.findUniqueOrThrow({ where: { shop: THROWN } })).customerWatermark).toBeNull();

    const again = await h.app.service.sync.syncCustomers(THROWN, { trigger: "manual", readMode: "paged" });
    expect(again.status).toBe("succeeded");
    expect(again.counts.read).toBe(COUNT);
    await assertConverged(THROWN);
  });

  it("a child process running the Sync is killed with SIGKILL while reading, then a full rerun: converges to the control state", async () => {
    // Slow pages, so that the kill lands in the middle of the run.
    h.sim.fault(KILLED, { type: "latency", operation: "customers", times: 1000, ms: 150 });
    // node itself, with tsx as a loader: the tsx command runs the script in a child process of its own, which a
    // SIGKILL to the command would leave running (and syncing beside the rerun).
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/reliability/sync-child.ts"), KILLED], {
      cwd: ROOT,
      env: { ...process.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
    const killedAt = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (!line.startsWith("{")) return; // the Shopify library's own log lines
        const m = JSON.parse(line);
        if (m.done) reject(new Error("the child finished before it was killed"));
        if (m.read >= 2 * CUSTOMER_PAGE_SIZE) {
          child.kill("SIGKILL");
          resolve(m.read);
        }
      });
      exited.then(({ code }) => reject(new Error(`the child exited with ${code} before it was killed: ${stderr}`)));
    });
    expect(await exited).toEqual({ code: null, signal: "SIGKILL" });
    h.sim.clearFaults(KILLED);
    const mirrored = await db().mirrorCustomer.count({ where: { shop: KILLED } });
    expect(mirrored).toBeGreaterThanOrEqual(killedAt);
    expect(mirrored).toBeLessThan(COUNT);

    const again = await h.app.service.sync.syncCustomers(KILLED, { trigger: "manual", readMode: "paged" });
    const problems = await db().syncLogEntry.findMany({ where: { shop: KILLED, runId: again.runId, level: "error" }, select: { code: true, message: true } });
    expect(problems).toEqual([]);
    expect(again.status).toBe("succeeded");
    await assertConverged(KILLED);
  }, 30_000);

  it("the run row of the killed Sync is closed as interrupted when the next run starts (never `running` forever)", async () => {
    const runs = await db().syncRun.findMany({ where: { shop: KILLED, kind: "syncCustomers" }, orderBy: { id: "asc" } });
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.status)).not.toContain("running");
  });
});
