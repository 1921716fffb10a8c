// Shopify misbehaving during a Sync and an export (toolchain guide: THROTTLED comes as HTTP 200, 5xx answers,
// writes that commit but never answer): nothing lost, nothing duplicated — exact counts of Shopify customers and
// ERP customers, and every link one to one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobQueue } from "../../app/jobs/queue";
import { generateCustomers } from "../simulator/generator";
import { startHarness, type Harness } from "../support/app-harness";
import { removeDb, seedShop } from "./support";

const SHOP = "reliability-faults.myshopify.com";
const COUNT = 120;
let h: Harness;
const db = () => h.app.prisma;
const store = generateCustomers({ count: COUNT, seed: 777 });

beforeAll(async () => {
  h = await startHarness({ name: "reliability-faults" });
  await seedShop(h, SHOP, { nameSource: "firstAndLastName", name2Source: "none", contactSource: "none" });
  h.sim.setCustomers(SHOP, store);
  h.sim.setBucket(SHOP, 1_000_000, 100_000);
  for (const [i, c] of store.entries()) {
    if (i % 4 || !c.defaultEmailAddress?.emailAddress) continue;
    await h.app.master.setErpCustomer(db(), SHOP, { no: `E${String(i).padStart(5, "0")}`, name: `${c.firstName ?? ""} ${c.lastName ?? ""}`.trim() || "Kund", email: c.defaultEmailAddress.emailAddress, countryCode: "SE" });
  }
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

async function assertOneToOne() {
  const mirrors = await db().mirrorCustomer.findMany({ where: { shop: SHOP } });
  const created = mirrors.filter((m) => m.linkSource === "created").map((m) => m.erpCustomerNo);
  expect(new Set(created).size).toBe(created.length);
  const createdLog = await db().syncLogEntry.groupBy({ by: ["shopifyCustomerId"], where: { shop: SHOP, code: "created" }, _count: { _all: true } });
  expect(createdLog.filter((g) => g._count._all > 1)).toEqual([]);
  const emails = (await db().erpCustomer.findMany({ where: { shop: SHOP }, select: { email: true } })).map((c) => c.email.toLowerCase()).filter(Boolean);
  expect(new Set(emails).size).toBe(emails.length);
  const shopifyEmails = h.sim.customers(SHOP).map((c) => c.defaultEmailAddress?.emailAddress?.toLowerCase()).filter(Boolean);
  expect(new Set(shopifyEmails).size).toBe(shopifyEmails.length);
}

describe("Sync customers under a throttle storm and 5xx answers", () => {
  it("20 THROTTLED answers and 3 HTTP 503 during the read: the run succeeds, every customer is mirrored once, each unknown one created once", async () => {
    const erpBefore = await db().erpCustomer.count({ where: { shop: SHOP } });
    h.sim.resetRequests(SHOP);
    h.sim.fault(SHOP, { type: "throttle", times: 20 });
    // On the page reads (a 503 on the same request as a THROTTLED would hide that THROTTLED from the count).
    h.sim.fault(SHOP, { type: "serverError", operation: "customers", times: 3 });
    const t0 = Date.now();
    const summary = await h.app.service.sync.syncCustomers(SHOP, { trigger: "manual", readMode: "paged" });
    const ms = Date.now() - t0;
    expect(summary.status).toBe("succeeded");
    const requests = h.sim.requests(SHOP);
    expect(requests.throttled).toBe(20);
    const executed = Object.values(requests.byOperation).reduce((a, b) => a + b, 0);
    expect(requests.total - executed - requests.throttled).toBe(3); // the 503 answers
    expect(summary.counts.read).toBe(COUNT);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP } })).toBe(COUNT);
    expect(h.sim.customers(SHOP)).toHaveLength(COUNT);
    const created = await db().mirrorCustomer.count({ where: { shop: SHOP, linkSource: "created" } });
    expect(summary.counts.created).toBe(created);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpBefore + created);
    expect(summary.counts.linked).toBe(await db().mirrorCustomer.count({ where: { shop: SHOP, linkSource: "matched" } }));
    expect(summary.counts.created + summary.counts.linked + summary.counts.skipped).toBe(COUNT);
    await assertOneToOne();
    // Paced, not hammering: at least the 100 ms floor per THROTTLED answer, and a backoff for the 5xx.
    expect(ms).toBeGreaterThanOrEqual(20 * 100);
  });

  it("a second Sync under the same faults changes nothing (idempotent)", async () => {
    const before = { erp: await db().erpCustomer.count({ where: { shop: SHOP } }), mirrors: await db().mirrorCustomer.count({ where: { shop: SHOP } }) };
    h.sim.fault(SHOP, { type: "throttle", times: 5 });
    h.sim.fault(SHOP, { type: "serverError", times: 2 });
    const summary = await h.app.service.sync.syncCustomers(SHOP, { trigger: "manual", readMode: "paged" });
    expect(summary.status).toBe("succeeded");
    expect({ created: summary.counts.created, linked: summary.counts.linked, failed: summary.counts.failed }).toEqual({ created: 0, linked: 0, failed: 0 });
    expect({ erp: await db().erpCustomer.count({ where: { shop: SHOP } }), mirrors: await db().mirrorCustomer.count({ where: { shop: SHOP } }) }).toEqual(before);
  });
});

describe("Add customers to Shopify under faults, with the echo webhooks processed at the same time", () => {
  it("throttling, 503s and a customerCreate that commits but never answers: each ERP customer lands in Shopify exactly once and is linked to it; the echoes create nothing", async () => {
    const nos: string[] = [];
    for (let i = 0; i < 10; i++) {
      const no = `X${String(i).padStart(4, "0")}`;
      nos.push(no);
      await h.app.master.setErpCustomer(db(), SHOP, {
        no, name: `Export Kund${i}`, email: `export${i}@example.test`, phoneNo: `070-555 10 ${String(10 + i)}`,
        address: `Exportgatan ${i + 1}`, postCode: "411 01", city: "Göteborg", countryCode: "SE",
      });
    }
    const shopifyBefore = h.sim.customers(SHOP).length;
    h.sim.resetRequests(SHOP);
    const erpBefore = await db().erpCustomer.count({ where: { shop: SHOP } });
    // Shopify sends customers/create for each new customer to the app's route; the queue works while the export runs.
    h.sim.setAutoWebhooks(true);
    const worker = new JobQueue(db(), h.app.service.jobHandlers, { pollMs: 10, concurrency: 2, backoffScale: 0.001 });
    worker.start();
    try {
      h.sim.fault(SHOP, { type: "throttle", times: 20 });
      h.sim.fault(SHOP, { type: "serverError", operation: "customerCreate", times: 3 });
      h.sim.fault(SHOP, { type: "timeoutAfterCommit", operation: "customerCreate", times: 2 });
      const summary = await h.app.service.sync.addCustomersToShopify(SHOP, nos, "manual");
      expect(summary.status).toBe("succeeded");
      expect(summary.counts).toMatchObject({ read: 10, exported: 10, skipped: 0, failed: 0 });
      await h.sim.flushWebhooks();
      await worker.stop();
      await new JobQueue(db(), h.app.service.jobHandlers, { backoffScale: 0.001 }).drain({ includeDelayed: true, timeoutMs: 10_000 });
    } finally {
      h.sim.setAutoWebhooks(false);
      await worker.stop();
    }
    // Every fault was hit: 20 THROTTLED, 3 × 503 on customerCreate (not executed), and the two creates that
    // committed without an answer were not sent again (ten creates executed in all).
    const requests = h.sim.requests(SHOP);
    expect(requests.throttled).toBe(20);
    expect(requests.byOperation.customerCreate).toBe(10);
    // Shopify: exactly ten more customers, one per ERP customer.
    const shopify = h.sim.customers(SHOP);
    expect(shopify).toHaveLength(shopifyBefore + 10);
    for (let i = 0; i < 10; i++) expect(shopify.filter((c) => c.defaultEmailAddress?.emailAddress === `export${i}@example.test`)).toHaveLength(1);
    // The ERP: not one customer more (the echoes matched or were recognised, none was created).
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpBefore);
    // Each exported ERP customer is linked to exactly its Shopify customer.
    for (const [i, no] of nos.entries()) {
      const linked = await db().mirrorCustomer.findMany({ where: { shop: SHOP, erpCustomerNo: no } });
      expect(linked.map((m) => m.email)).toEqual([`export${i}@example.test`]);
      expect(linked[0].shopifyId).toBe(shopify.find((c) => c.defaultEmailAddress?.emailAddress === `export${i}@example.test`)!.id);
    }
    expect(await db().job.count({ where: { shop: SHOP, status: { not: "done" } } })).toBe(0);
    expect(await db().exportAttempt.count({ where: { shop: SHOP } })).toBe(0);
    await assertOneToOne();
  }, 40_000);
});
