// Shopify misbehaving during a Sync and an export (toolchain guide: THROTTLED comes as HTTP 200, 5xx answers,
// writes that commit but never answer): nothing lost, nothing duplicated — exact counts of Shopify customers and
// ERP customers, and every link one to one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobQueue } from "../../app/jobs/queue";
import { generateCustomers } from "../simulator/generator";
import { startHarness, type Harness } from "../support/app-harness";
import { gid, removeDb, seCustomer, seedShop } from "./support";

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

// ---------------------------------------------------------------------------------------------------------------
// The writes a Sync run itself sends (§3 step 4, §7.3). With canUpdateShopifyCustomers on, the changed ERP fields of
// linked customers are pushed: customerUpdate (names, email, phone), then customerAddressUpdate, or
// customerAddressCreate when the Shopify customer has no address. (Sync's other writes go to the ERP: customers it
// creates there, §5.) Each of these Shopify writes can commit and never answer.
const PUSH = "reliability-faults-push.myshopify.com";
const erpOf = (n: number, o: { last?: string; address?: string; city?: string } = {}) => ({
  no: `P${n}`, name: `Förnamn${n} ${o.last ?? `Efternamn${n}`}`, email: `kund${n}@example.test`,
  address: o.address ?? `Storgatan ${n}`, postCode: "111 22", city: o.city ?? "Stockholm", countryCode: "SE",
});
const simCustomer = (shop: string, n: number) => h.sim.customers(shop).find((c) => c.id === gid(n))!;
/** A Shopify customer as the tests compare it: names and the addresses' fields that ERP values drive. */
const shape = (shop: string, n: number) => {
  const c = simCustomer(shop, n);
  return { lastName: c.lastName, addresses: c.addresses.map((a: any) => ({ firstName: a.firstName, lastName: a.lastName, address1: a.address1, zip: a.zip, city: a.city })) };
};
const runLogs = (shop: string, runId: number) =>
  db().syncLogEntry.findMany({ where: { shop, runId }, orderBy: { id: "asc" }, select: { level: true, code: true, erpCustomerNo: true, message: true } });
const writes = (shop: string) => {
  const ops = h.sim.requests(shop).byOperation;
  return { customerUpdate: ops.customerUpdate ?? 0, customerAddressUpdate: ops.customerAddressUpdate ?? 0, customerAddressCreate: ops.customerAddressCreate ?? 0, customerCreate: ops.customerCreate ?? 0 };
};
const NO_WRITES = { customerUpdate: 0, customerAddressUpdate: 0, customerAddressCreate: 0, customerCreate: 0 };
async function links(shop: string) {
  const mirrors = await db().mirrorCustomer.findMany({ where: { shop }, orderBy: { shopifyId: "asc" } });
  const nos = mirrors.map((m) => m.erpCustomerNo);
  expect(new Set(nos).size).toBe(nos.length); // every ERP customer linked to one Shopify customer only
  return Object.fromEntries(mirrors.map((m) => [m.shopifyId, `${m.erpCustomerNo}/${m.linkSource}`]));
}

describe("Sync customers pushing linked ERP changes when customerUpdate / customerAddressUpdate / customerAddressCreate commit but never answer", () => {
  beforeAll(async () => {
    await seedShop(h, PUSH, { nameSource: "firstAndLastName", name2Source: "none", contactSource: "none", canUpdateShopifyCustomers: true });
    h.sim.setCustomers(PUSH, [501, 502, 503, 504].map((n) => seCustomer(n)));
    h.sim.setBucket(PUSH, 1_000_000, 100_000);
    for (const n of [501, 502, 503, 504]) await h.app.master.setErpCustomer(db(), PUSH, erpOf(n));
    // The first Sync links the four by email; ERP and Shopify agree, so it writes nothing to Shopify.
    h.sim.resetRequests(PUSH);
    const first = await h.app.service.sync.syncCustomers(PUSH, { trigger: "manual", readMode: "paged" });
    expect(first.status).toBe("succeeded");
    expect(first.counts).toMatchObject({ read: 4, linked: 4, created: 0, updated: 0, failed: 0 });
    expect(writes(PUSH)).toEqual(NO_WRITES);
  });

  it("each write that timed out is read back: Shopify holds the ERP values, each change was sent once, no address or customer doubled, and the log says updated", async () => {
    // ERP changes: P501 last name (customerUpdate, then the address names), P502 street (customerAddressUpdate),
    // P503 last name and city. Shopify customer 505 has no address and is new; it matches the new P505 by email,
    // so its push creates the address.
    await h.app.master.setErpCustomer(db(), PUSH, erpOf(501, { last: "Nyström" }));
    await h.app.master.setErpCustomer(db(), PUSH, erpOf(502, { address: "Nya vägen 2" }));
    await h.app.master.setErpCustomer(db(), PUSH, erpOf(503, { last: "Lindqvist", city: "Uppsala" }));
    await h.app.master.setErpCustomer(db(), PUSH, erpOf(505, { address: "Hamngatan 5", city: "Malmö" }));
    h.sim.setCustomer(PUSH, { ...seCustomer(505), addresses: [] });
    const untouched = shape(PUSH, 504);
    h.sim.resetRequests(PUSH);
    h.sim.fault(PUSH, { type: "timeoutAfterCommit", operation: "customerUpdate", times: 2 }); // P501, P503
    h.sim.fault(PUSH, { type: "timeoutAfterCommit", operation: "customerAddressUpdate", times: 1 }); // P501's address names
    h.sim.fault(PUSH, { type: "timeoutAfterCommit", operation: "customerAddressCreate", times: 1 }); // P505

    const a = await h.app.service.sync.syncCustomers(PUSH, { trigger: "manual", readMode: "paged" });
    expect(a.status).toBe("succeeded");
    expect(a.counts).toMatchObject({ read: 5, linked: 1, created: 0, updated: 4, failed: 0 });
    // Sent once each: two customerUpdate (P501, P503); addresses of P501 (names), P502, P503; one create (P505).
    // What timed out was found in Shopify and not sent again; what it had not reached yet was sent after it.
    expect(writes(PUSH)).toEqual({ customerUpdate: 2, customerAddressUpdate: 3, customerAddressCreate: 1, customerCreate: 0 });
    expect(h.sim.requests(PUSH).byOperation.customer).toBe(4 + 2); // four read-backs after a timeout (P501 twice), two after answered writes
    const logA = await runLogs(PUSH, a.runId);
    expect(logA.filter((l) => l.level === "error")).toEqual([]);
    expect(logA.map((l) => `${l.code} ${l.erpCustomerNo}`)).toEqual(["linked P505", "updated P501", "updated P502", "updated P503", "updated P505"]);

    const expected = {
      501: { lastName: "Nyström", addresses: [{ firstName: "Förnamn501", lastName: "Nyström", address1: "Storgatan 501", zip: "111 22", city: "Stockholm" }] },
      502: { lastName: "Efternamn502", addresses: [{ firstName: "Förnamn502", lastName: "Efternamn502", address1: "Nya vägen 2", zip: "111 22", city: "Stockholm" }] },
      503: { lastName: "Lindqvist", addresses: [{ firstName: "Förnamn503", lastName: "Lindqvist", address1: "Storgatan 503", zip: "111 22", city: "Uppsala" }] },
      505: { lastName: "Efternamn505", addresses: [{ firstName: "Förnamn505", lastName: "Efternamn505", address1: "Hamngatan 5", zip: "111 22", city: "Malmö" }] },
    };
    const check = async () => {
      for (const [n, want] of Object.entries(expected)) expect(shape(PUSH, Number(n))).toEqual(want);
      expect(shape(PUSH, 504)).toEqual(untouched);
      expect(h.sim.customers(PUSH)).toHaveLength(5);
      expect(await db().erpCustomer.count({ where: { shop: PUSH } })).toBe(5);
      expect(await links(PUSH)).toEqual({
        [gid(501)]: "P501/matched", [gid(502)]: "P502/matched", [gid(503)]: "P503/matched", [gid(504)]: "P504/matched", [gid(505)]: "P505/matched",
      });
    };
    await check();

    // The second Sync reads the five customers the first one changed and finds them as the app wrote them: it writes
    // nothing, the change is in Shopify exactly once.
    h.sim.resetRequests(PUSH);
    const b = await h.app.service.sync.syncCustomers(PUSH, { trigger: "manual", readMode: "paged" });
    expect(b.status).toBe("succeeded");
    expect(b.counts).toMatchObject({ created: 0, updated: 0, linked: 0, failed: 0 });
    expect(writes(PUSH)).toEqual(NO_WRITES);
    expect((await runLogs(PUSH, b.runId)).filter((l) => l.code !== "echoIgnored")).toEqual([]);
    await check();
  }, 30_000);
});

// A Sync that reads nothing back from Shopify (customerImport none; withOrderImport without shopifyCanUpdateCustomers)
// has only its mirror to compare with: a write that landed without an answer must not be sent again at the next run.
const NOREAD = "reliability-faults-noread.myshopify.com";
describe("Sync customers that reads nothing (customerImport none) when its pushes commit but never answer", () => {
  beforeAll(async () => {
    await seedShop(h, NOREAD, { customerImport: "none", autoCreateUnknownCustomers: false, nameSource: "firstAndLastName", name2Source: "none", contactSource: "none" });
    // Shopify customer 601 has no address; 602 has one. "Add customers to Shopify" adopts both by email (no push yet:
    // canUpdateShopifyCustomers is turned on afterwards).
    h.sim.setCustomers(NOREAD, [{ ...seCustomer(601), addresses: [] }, seCustomer(602)]);
    h.sim.setBucket(NOREAD, 1_000_000, 100_000);
    await h.app.master.setErpCustomer(db(), NOREAD, { no: "N601", name: "Förnamn601 Efternamn601", email: "kund601@example.test", address: "Torget 1", postCode: "411 01", city: "Göteborg", countryCode: "SE" });
    await h.app.master.setErpCustomer(db(), NOREAD, { ...erpOf(602), no: "N602" });
    const adopted = await h.app.service.sync.addCustomersToShopify(NOREAD, ["N601", "N602"], "manual");
    expect(adopted.counts).toMatchObject({ read: 2, linked: 2, exported: 0, failed: 0 });
    await h.app.settings.saveSettings(db(), NOREAD, { canUpdateShopifyCustomers: true });
  });

  it("customerAddressCreate and customerUpdate commit without an answer: one address, the update sent once, and the next Sync sends nothing", async () => {
    await h.app.master.setErpCustomer(db(), NOREAD, { no: "N602", name: "Förnamn602 Berg" });
    h.sim.resetRequests(NOREAD);
    h.sim.fault(NOREAD, { type: "timeoutAfterCommit", operation: "customerUpdate", times: 1 });
    h.sim.fault(NOREAD, { type: "timeoutAfterCommit", operation: "customerAddressCreate", times: 1 });
    const a = await h.app.service.sync.syncCustomers(NOREAD, { trigger: "manual" });
    expect(a.status).toBe("succeeded");
    expect(a.counts).toMatchObject({ read: 0, updated: 2, failed: 0 });
    // N601: the address create (timed out, found in Shopify). N602: the last name (timed out, found), then its address names.
    expect(writes(NOREAD)).toEqual({ customerUpdate: 1, customerAddressUpdate: 1, customerAddressCreate: 1, customerCreate: 0 });
    const logA = await runLogs(NOREAD, a.runId);
    expect(logA.map((l) => `${l.code} ${l.erpCustomerNo}`)).toEqual(["updated N601", "updated N602"]);
    expect(logA[0].message).toMatch(/did not answer; the change was found in Shopify/);

    const check = async () => {
      expect(shape(NOREAD, 601)).toEqual({ lastName: "Efternamn601", addresses: [{ firstName: "Förnamn601", lastName: "Efternamn601", address1: "Torget 1", zip: "411 01", city: "Göteborg" }] });
      expect(shape(NOREAD, 602)).toEqual({ lastName: "Berg", addresses: [{ firstName: "Förnamn602", lastName: "Berg", address1: "Storgatan 602", zip: "111 22", city: "Stockholm" }] });
      expect(h.sim.customers(NOREAD)).toHaveLength(2);
      expect(await db().erpCustomer.count({ where: { shop: NOREAD } })).toBe(2);
      expect(await links(NOREAD)).toEqual({ [gid(601)]: "N601/exported", [gid(602)]: "N602/exported" });
    };
    await check();

    h.sim.resetRequests(NOREAD);
    const b = await h.app.service.sync.syncCustomers(NOREAD, { trigger: "manual" });
    expect(b.status).toBe("succeeded");
    expect(b.counts).toMatchObject({ updated: 0, failed: 0 });
    expect(writes(NOREAD)).toEqual(NO_WRITES); // before the fix: a second customerAddressCreate and a second customerUpdate
    expect(await runLogs(NOREAD, b.runId)).toEqual([]);
    await check();
  }, 30_000);
});

// The read side: queries that never answer are retried by the gateway (a read changes nothing); a bulk read that
// was started but whose answer never came leaves a bulk operation running in Shopify.
const READ = "reliability-faults-read.myshopify.com";
const READ_COUNT = 40;
describe("Sync customers when the read's requests never answer", () => {
  const readStore = generateCustomers({ count: READ_COUNT, seed: 4242 });
  const settled = async () => {
    const created = await db().mirrorCustomer.findMany({ where: { shop: READ, linkSource: "created" }, select: { erpCustomerNo: true } });
    expect(new Set(created.map((c) => c.erpCustomerNo)).size).toBe(created.length);
    expect(await db().mirrorCustomer.count({ where: { shop: READ } })).toBe(h.sim.customers(READ).length);
    const erpEmails = (await db().erpCustomer.findMany({ where: { shop: READ }, select: { email: true } })).map((c) => c.email.toLowerCase()).filter(Boolean);
    expect(new Set(erpEmails).size).toBe(erpEmails.length);
    return { shopify: h.sim.customers(READ).length, erp: await db().erpCustomer.count({ where: { shop: READ } }), created: created.length };
  };
  const watermark = async () => (await db().shopSettings.findUnique({ where: { shop: READ } }))?.customerWatermark ?? null;

  beforeAll(async () => {
    await seedShop(h, READ, { nameSource: "firstAndLastName", name2Source: "none", contactSource: "none", createCustomersWithoutAddress: true });
    h.sim.setCustomers(READ, readStore);
    h.sim.setBucket(READ, 1_000_000, 100_000);
  });

  it("bulkOperationRunQuery commits but never answers while the operation runs on: the run fails as a whole and keeps the watermark; the rerun mirrors and creates each customer once", async () => {
    h.sim.options.bulkDelayMs = 3000; // the operation outlives the 1.5 s client timeout, as real ones do
    h.sim.resetRequests(READ);
    h.sim.fault(READ, { type: "timeoutAfterCommit", operation: "bulkOperationRunQuery", times: 1 });
    let a;
    try {
      a = await h.app.service.sync.syncCustomers(READ, { trigger: "manual", readMode: "bulk" });
    } finally {
      h.sim.options.bulkDelayMs = 0;
    }
    // The retried start is refused (OPERATION_IN_PROGRESS): nothing was processed, the watermark stays unset.
    expect(h.sim.requests(READ).byOperation.bulkOperationRunQuery).toBe(2);
    expect(a.status).toBe("failed");
    expect(a.counts).toMatchObject({ read: 0, created: 0, linked: 0 });
    expect(await runLogs(READ, a.runId)).toEqual([
      { level: "error", code: "internal", erpCustomerNo: "", message: expect.stringMatching(/already in progress/) },
    ]);
    expect(await watermark()).toBeNull();
    expect(await db().mirrorCustomer.count({ where: { shop: READ } })).toBe(0);
    expect(await db().erpCustomer.count({ where: { shop: READ } })).toBe(0);

    await new Promise((r) => setTimeout(r, 3000)); // the orphaned operation completes
    const b = await h.app.service.sync.syncCustomers(READ, { trigger: "manual", readMode: "bulk" });
    expect(b.status).toBe("succeeded");
    expect(b.counts.read).toBe(READ_COUNT);
    const s = await settled();
    expect(s).toEqual({ shopify: READ_COUNT, erp: b.counts.created, created: b.counts.created });
    expect(b.counts.created + b.counts.skipped).toBe(READ_COUNT);
    expect(b.counts.created).toBeGreaterThan(30);
    expect(await watermark()).not.toBeNull();
  }, 30_000);

  it("customersCount, a customers page, a bulk start and a bulk poll each never answer once: the queries are asked again, each new customer is created once, a rerun changes nothing", async () => {
    const before = await settled();
    for (let i = 0; i < 3; i++) h.sim.setCustomer(READ, seCustomer(700 + i));
    h.sim.resetRequests(READ);
    h.sim.fault(READ, { type: "timeoutAfterCommit", operation: "customersCount", times: 1 });
    h.sim.fault(READ, { type: "timeoutAfterCommit", operation: "customers", times: 1 });
    const paged = await h.app.service.sync.syncCustomers(READ, { trigger: "manual", readMode: "paged" });
    expect(paged.status).toBe("succeeded");
    expect(h.sim.requests(READ).byOperation).toMatchObject({ customersCount: 2, customers: 2 });
    expect(paged.counts).toMatchObject({ read: 3, created: 3, failed: 0 });
    expect(await settled()).toEqual({ shopify: before.shopify + 3, erp: before.erp + 3, created: before.created + 3 });

    // The bulk path: the start commits and is asked again (the first operation finished meanwhile), then a poll.
    for (let i = 3; i < 5; i++) h.sim.setCustomer(READ, seCustomer(700 + i));
    h.sim.resetRequests(READ);
    h.sim.fault(READ, { type: "timeoutAfterCommit", operation: "bulkOperationRunQuery", times: 1 });
    h.sim.fault(READ, { type: "timeoutAfterCommit", operation: "bulkOperation", times: 1 });
    const bulk = await h.app.service.sync.syncCustomers(READ, { trigger: "manual", readMode: "bulk" });
    expect(bulk.status).toBe("succeeded");
    expect(h.sim.requests(READ).byOperation.bulkOperationRunQuery).toBe(2);
    expect(bulk.counts).toMatchObject({ created: 2, failed: 0 });
    expect(await settled()).toEqual({ shopify: before.shopify + 5, erp: before.erp + 5, created: before.created + 5 });
    for (let i = 0; i < 5; i++) {
      const m = await db().mirrorCustomer.findMany({ where: { shop: READ, shopifyId: gid(700 + i) } });
      expect(m.map((x) => x.linkSource)).toEqual(["created"]);
      expect(await db().erpCustomer.count({ where: { shop: READ, email: `kund${700 + i}@example.test` } })).toBe(1);
    }

    const again = await h.app.service.sync.syncCustomers(READ, { trigger: "manual", readMode: "paged" });
    expect(again.status).toBe("succeeded");
    expect(again.counts).toMatchObject({ created: 0, linked: 0, failed: 0 });
    expect(await settled()).toEqual({ shopify: before.shopify + 5, erp: before.erp + 5, created: before.created + 5 });
  }, 40_000);
});
