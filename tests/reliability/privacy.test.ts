// Privacy compliance webhooks through the app's real route (spec §10): customers/data_request, customers/redact and
// shop/redact, with row counts of every table before and after, and a second customer and a second shop that
// must stay untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { addressGid, customerWithOrder, deliverAndDrain, drain, gid, post, removeDb, seCustomer, seedShop, signedWebhook, tableCounts } from "./support";

const SHOP = "reliability-privacy.myshopify.com";
const OTHER = "reliability-privacy-other.myshopify.com";
let h: Harness;
const db = () => h.app.prisma;

/** Anna (301) has two addresses, a phone, an order and log lines; Bo (302) is her neighbour in the same shop. */
const anna = {
  ...seCustomer(301, { first: "Anna", last: "Sekretessdóttir", email: "anna.sekretess@example.test" }),
  defaultPhoneNumber: { phoneNumber: "+46701234567" },
  addresses: [
    { id: addressGid(3011), firstName: "Anna", lastName: "Sekretessdóttir", address1: "Hemligvägen 7", zip: "413 01", city: "Göteborg", countryCodeV2: "SE", phone: "+46701234567" },
    { id: addressGid(3012), firstName: "Anna", lastName: "Sekretessdóttir", address1: "Sommarstugan 2", zip: "620 10", city: "Visby", countryCodeV2: "SE" },
  ],
};
const ANNA_TRACES = ["anna.sekretess@example.test", "Sekretessdóttir", "Hemligvägen", "Sommarstugan", "701234567"];

const deliver = (shop: string, topic: string, payload: unknown) => deliverAndDrain(h, shop, topic, payload);


/** Every row of every table as text, per table (for "no trace left" checks). */
async function dump(): Promise<Record<string, string>> {
  const tables = Object.keys(await tableCounts(h));
  const out: Record<string, string> = {};
  for (const t of tables) out[t] = JSON.stringify(await db().$queryRawUnsafe(`SELECT * FROM "${t}"`), (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  return out;
}

beforeAll(async () => {
  h = await startHarness({ name: "reliability-privacy" });
  for (const shop of [SHOP, OTHER]) {
    await seedShop(h, shop);
    await customerWithOrder(h, shop, anna, "gid://shopify/Order/7301");
    await customerWithOrder(h, shop, seCustomer(302, { first: "Bo", last: "Granne", email: "bo.granne@example.test" }), "gid://shopify/Order/7302");
    // Reference data and an export that has not landed yet, so that every table of the shop has rows.
    await db().exportAttempt.create({ data: { shop, erpCustomerNo: "C90002", email: "bo.granne@example.test" } });
    await db().countrySetup.create({ data: { shop, countryCode: "SE", customerTemplateCode: "RETAIL" } });
    await db().taxArea.create({ data: { shop, countryCode: "SE", county: "Gotland", countyCode: "I", taxAreaCode: "SE" } });
  }
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

describe("customers/data_request", () => {
  it("stores a report with the mirror, its addresses, its orders and its log, and nothing of another customer", async () => {
    const payload = h.sim.webhookPayload(SHOP, "customers/data_request", gid(301));
    expect(payload.shop_domain).toBe(SHOP);
    await deliver(SHOP, "customers/data_request", payload);

    const requests = await db().dataRequest.findMany({ where: { shop: SHOP } });
    expect(requests).toHaveLength(1);
    expect(requests[0].shopifyCustomerId).toBe(gid(301));
    const report = JSON.parse(requests[0].report);
    expect(report.mirror).toMatchObject({ shopifyId: gid(301), firstName: "Anna", lastName: "Sekretessdóttir", email: "anna.sekretess@example.test", phone: "+46701234567" });
    expect(report.addresses.map((a: any) => a.shopifyId).sort()).toEqual([addressGid(3011), addressGid(3012)]);
    expect(report.orders.map((o: any) => o.shopifyId)).toEqual(["gid://shopify/Order/7301"]);
    const logCount = await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(301) } });
    expect(logCount).toBeGreaterThan(0);
    expect(report.log).toHaveLength(logCount);
    expect(report.log.map((l: any) => l.code)).toContain("created");
    expect(report.linkedErpCustomer).toMatchObject({ no: report.mirror.erpCustomerNo, email: "anna.sekretess@example.test" });
    expect(requests[0].report).not.toContain("bo.granne@example.test");
    expect(requests[0].report).not.toContain("Granne");
    expect(await db().dataRequest.count({ where: { shop: OTHER } })).toBe(0);
  });
});

describe("customers/redact", () => {
  it("deletes the mirror, its addresses, the order payload fields and the log text of that customer, removes the link, keeps the ERP customer and records the redaction", async () => {
    const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(301) } } });
    const erpNo = mirror.erpCustomerNo;
    expect(erpNo).not.toBe("");
    const before = await tableCounts(h, SHOP);
    const otherBefore = await tableCounts(h, OTHER);
    const bo = {
      mirror: await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(302) } } }),
      addresses: await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(302) } }),
      orders: await db().importedOrder.findMany({ where: { shop: SHOP, shopifyCustomerId: gid(302) } }),
      log: await db().syncLogEntry.findMany({ where: { shop: SHOP, shopifyCustomerId: gid(302) } }),
    };
    const annaRows = {
      addresses: await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(301) } }),
      log: await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(301) } }),
      dataRequests: await db().dataRequest.count({ where: { shop: SHOP, shopifyCustomerId: gid(301) } }),
      // Her stored webhook payloads: customers/create, orders/create, customers/data_request.
      jobs: await db().job.count({ where: { shop: SHOP, key: gid(301) } }),
    };
    expect(annaRows).toEqual({ addresses: 2, log: expect.any(Number), dataRequests: 1, jobs: 3 });

    await deliver(SHOP, "customers/redact", h.sim.webhookPayload(SHOP, "customers/redact", gid(301)));

    const after = await tableCounts(h, SHOP);
    expect(after).toEqual({
      ...before,
      MirrorCustomer: before.MirrorCustomer - 1,
      MirrorAddress: before.MirrorAddress - 2,
      DataRequest: before.DataRequest - 1,
      Redaction: before.Redaction + 1,
      // The redact delivery itself: one receipt and one job.
      WebhookReceipt: before.WebhookReceipt + 1,
      // Her stored payloads are gone; the redaction's own job stays, emptied.
      Job: before.Job - annaRows.jobs + 1,
    });
    // The redaction's own job is left, done, with its topic and webhook id only.
    const left = await db().job.findMany({ where: { shop: SHOP, key: gid(301) }, select: { payload: true, status: true } });
    expect(left.map((j) => [j.status, Object.keys(JSON.parse(j.payload)).sort(), JSON.parse(j.payload).topic])).toEqual([["done", ["topic", "webhookId"], "customers/redact"]]);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(301) } })).toBe(0);
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(301) } })).toBe(0);
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, erpCustomerNo: erpNo } })).toBe(0);
    // The order stays for the books (its number and its ERP customers), without the customer's data.
    expect(await db().importedOrder.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: "gid://shopify/Order/7301" } } })).toMatchObject({
      email: "", phone: "", sellTo: "{}", shipTo: "{}", billTo: "{}", shopifyCustomerId: "", sellToCustomerNo: erpNo,
    });
    // The log lines stay (counts of runs add up) with their text redacted.
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(301) } })).toBe(0);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, message: "(redacted)" } })).toBe(annaRows.log);
    // The ERP customer is the merchant's own record: it stays.
    expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: erpNo } } })).toMatchObject({ email: "anna.sekretess@example.test" });
    const redaction = await db().redaction.findFirstOrThrow({ where: { shop: SHOP } });
    expect(redaction).toMatchObject({ shopifyCustomerId: gid(301), erpCustomerNo: erpNo, rowsDeleted: expect.any(Number) });
    // mirror + addresses + order + log lines + data request + jobs
    expect(redaction.rowsDeleted).toBe(1 + 2 + 1 + annaRows.log + 1 + annaRows.jobs);

    // Bo and the other shop are untouched.
    expect(await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(302) } } })).toEqual(bo.mirror);
    expect(await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(302) } })).toEqual(bo.addresses);
    expect(await db().importedOrder.findMany({ where: { shop: SHOP, shopifyCustomerId: gid(302) } })).toEqual(bo.orders);
    expect(await db().syncLogEntry.findMany({ where: { shop: SHOP, shopifyCustomerId: gid(302) } })).toEqual(bo.log);
    expect(await tableCounts(h, OTHER)).toEqual(otherBefore);
    expect(await db().mirrorCustomer.count({ where: { shop: OTHER, shopifyId: gid(301) } })).toBe(1);
  });

  it("leaves no trace of the customer's email, phone, name or streets anywhere in the shop's rows but the ERP customer (stored webhook payloads included)", async () => {
    const tables = await dump();
    const leaks: string[] = [];
    for (const [table, text] of Object.entries(tables)) {
      if (table === "ErpCustomer") continue;
      const rows: any[] = JSON.parse(text).filter((r: any) => r.shop === SHOP);
      for (const r of rows) for (const t of ANNA_TRACES) if (JSON.stringify(r).includes(t)) leaks.push(`${table}: ${t}`);
    }
    expect([...new Set(leaks)]).toEqual([]);
  });
});

describe("shop/redact", () => {
  it("deletes every row of the shop in every table; the other shop's rows are untouched", async () => {
    await deliver(SHOP, "customers/data_request", h.sim.webhookPayload(SHOP, "customers/data_request", gid(302)));
    const before = await tableCounts(h, SHOP);
    const otherBefore = await tableCounts(h, OTHER);
    const otherDump = await dump();
    // The shop has rows in every table before (so the check below means something).
    expect(Object.entries(before).filter(([, n]) => n === 0).map(([t]) => t)).toEqual([]);
    expect(Object.entries(otherBefore).filter(([, n]) => n === 0).map(([t]) => t)).toEqual(["DataRequest", "Redaction"]);

    await deliver(SHOP, "shop/redact", h.sim.webhookPayload(SHOP, "shop/redact", ""));

    const after = await tableCounts(h, SHOP);
    expect(after).toEqual(Object.fromEntries(Object.keys(before).map((t) => [t, 0])));
    expect(await tableCounts(h, OTHER)).toEqual(otherBefore);
    const otherAfter = await dump();
    for (const t of Object.keys(otherDump)) {
      const rows = (text: string) => JSON.parse(text).filter((r: any) => r.shop === OTHER);
      expect(rows(otherAfter[t])).toEqual(rows(otherDump[t]));
    }
  });

  it("a late or replayed delivery for the redacted shop stores nothing of it again (receipt and job included)", async () => {
    const zeros = await tableCounts(h, SHOP);
    expect(Object.values(zeros).every((n) => n === 0)).toBe(true);
    const otherBefore = await tableCounts(h, OTHER);
    h.sim.setOrder(SHOP, { id: "gid://shopify/Order/7399", email: "anna.sekretess@example.test", customer: { id: gid(301) }, billingAddress: { ...anna.addresses[0], id: undefined } });
    const late = [
      signedWebhook(h.webhookUrl, SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(301))),
      signedWebhook(h.webhookUrl, SHOP, "customers/update", h.sim.webhookPayload(SHOP, "customers/update", gid(301))),
      signedWebhook(h.webhookUrl, SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/7399")),
      signedWebhook(h.webhookUrl, SHOP, "customers/data_request", h.sim.webhookPayload(SHOP, "customers/data_request", gid(301))),
      signedWebhook(h.webhookUrl, SHOP, "customers/redact", h.sim.webhookPayload(SHOP, "customers/redact", gid(301))),
      signedWebhook(h.webhookUrl, SHOP, "customers/delete", h.sim.webhookPayload(SHOP, "customers/delete", gid(301))),
    ];
    for (const w of late) expect(await post(w)).toBe(200);
    // Recorded on arrival like any delivery ...
    expect((await tableCounts(h, SHOP)).WebhookReceipt).toBe(late.length);
    await drain(h);
    // ... and gone once their jobs found the shop redacted.
    expect(await tableCounts(h, SHOP)).toEqual(zeros);
    expect(await tableCounts(h, OTHER)).toEqual(otherBefore);
  });
});
