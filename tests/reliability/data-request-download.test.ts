// The customer data report (spec §10, customers/data_request): what it holds (every table that stores something of
// the customer, the stored webhook payloads included), and its download through the app's real route loader, called
// as the embedded app calls it: a fetch carrying the shop's session token (App Bridge adds `Authorization: Bearer`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { addressGid, customerWithOrder, deliverAndDrain, gid, removeDb, seCustomer, seedShop } from "./support";

const SHOP = "reliability-data-request.myshopify.com";
const OTHER = "reliability-data-request-other.myshopify.com";
let h: Harness;
let loader: typeof import("../../app/routes/app.data-requests.$id").loader;
const db = () => h.app.prisma;

const CARL_EMAIL = "carl.rapport@example.test";
const carl = {
  ...seCustomer(401, { first: "Carl", last: "Rapportsson", email: CARL_EMAIL }),
  defaultPhoneNumber: { phoneNumber: "+46709876543" },
  addresses: [{ id: addressGid(4011), firstName: "Carl", lastName: "Rapportsson", address1: "Bokföringsgatan 3", zip: "211 20", city: "Malmö", countryCodeV2: "SE", phone: "+46709876543" }],
};
const dora = seCustomer(402, { first: "Dora", last: "Grannström", email: "dora.granne@example.test" });

const deliver = (shop: string, topic: string, payload: unknown) => deliverAndDrain(h, shop, topic, payload);


/** The download as the app's fetch makes it: GET /app/data-requests/:id with the shop's session token. */
async function download(shop: string | null, id: string): Promise<Response> {
  const headers: Record<string, string> = shop ? { Authorization: `Bearer ${h.sim.sessionToken(shop)}` } : {};
  const request = new Request(`${process.env.SHOPIFY_APP_URL}/app/data-requests/${encodeURIComponent(id)}`, { headers });
  try {
    return await loader({ request, params: { id }, context: {} });
  } catch (e) {
    // Remix answers a thrown Response (a 404, the library's redirects) as the response.
    if (e instanceof Response) return e;
    throw e;
  }
}

/** Carl's data request report in SHOP, and the same customer id's in OTHER (to ask for across shops). */
let carlReport: { id: number; report: string };
let otherShopReport: { id: number };
let erpNo: string;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-data-request" });
  ({ loader } = await import("../../app/routes/app.data-requests.$id"));
  for (const shop of [SHOP, OTHER]) {
    await seedShop(h, shop);
    await customerWithOrder(h, shop, carl, "gid://shopify/Order/8401");
    await customerWithOrder(h, shop, dora, "gid://shopify/Order/8402");
  }
  erpNo = (await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(401) } } })).erpCustomerNo;
  expect(erpNo).not.toBe("");
  // What else the app can hold of Carl: a send of his ERP customer to Shopify not yet confirmed, a log line about his
  // ERP customer alone, a guest order with his email, an earlier data report; and a guest order of someone else.
  await db().exportAttempt.create({ data: { shop: SHOP, erpCustomerNo: erpNo, email: CARL_EMAIL, phone: "+46709876543" } });
  await db().syncLogEntry.create({ data: { shop: SHOP, level: "warning", code: "countyNotFound", message: `County "Skåne" is not in the tax-area table for SE; sent without a province.`, erpCustomerNo: erpNo } });
  await db().importedOrder.create({ data: { shop: SHOP, shopifyId: "gid://shopify/Order/8403", name: "#8403", email: CARL_EMAIL, sellTo: JSON.stringify({ name: "Carl Rapportsson", city: "Malmö" }) } });
  await db().importedOrder.create({ data: { shop: SHOP, shopifyId: "gid://shopify/Order/8404", name: "#8404", email: "dora.granne@example.test" } });
  await deliver(SHOP, "customers/data_request", h.sim.webhookPayload(SHOP, "customers/data_request", gid(401)));
  await deliver(SHOP, "customers/data_request", h.sim.webhookPayload(SHOP, "customers/data_request", gid(401)));
  await deliver(OTHER, "customers/data_request", h.sim.webhookPayload(OTHER, "customers/data_request", gid(401)));
  carlReport = await db().dataRequest.findFirstOrThrow({ where: { shop: SHOP, shopifyCustomerId: gid(401) }, orderBy: { id: "desc" } });
  otherShopReport = await db().dataRequest.findFirstOrThrow({ where: { shop: OTHER, shopifyCustomerId: gid(401) } });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

describe("the data request report", () => {
  it("holds the stored webhook payloads of the customer: topic, when received, status and the payload as JSON", async () => {
    const report = JSON.parse(carlReport.report);
    const deliveries = report.webhookDeliveries;
    // customers/create, orders/create, the first data request, and this one (being processed while the report is made).
    expect(deliveries.map((d: any) => d.topic)).toEqual(["customers/create", "orders/create", "customers/data_request", "customers/data_request"]);
    expect(deliveries.map((d: any) => d.status)).toEqual(["done", "done", "done", "running"]);
    const jobs = await db().job.findMany({ where: { shop: SHOP, key: gid(401) }, orderBy: { id: "asc" } });
    expect(jobs).toHaveLength(4);
    for (const [i, d] of deliveries.entries()) {
      const stored = JSON.parse(jobs[i].payload);
      expect(d.webhookId).toBe(stored.webhookId);
      expect(d.topic).toBe(stored.topic);
      const receipt = await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: stored.webhookId } });
      expect(d.receivedAt).toBe(receipt.receivedAt.toISOString());
    }
    // A processed delivery's data is not kept: its job holds the topic and webhook id only.
    for (const i of [0, 1, 2]) {
      expect(deliveries[i].payload).toBeNull();
      expect(Object.keys(JSON.parse(jobs[i].payload)).sort()).toEqual(["topic", "webhookId"]);
    }
    // The request being answered still holds its payload, as data, not JSON text inside JSON.
    expect(deliveries[3].payload).toMatchObject({ customer: { id: 401 } });
    expect(report.counts.webhookDeliveries).toBe(4);
    expect(report.guide.webhookDeliveries).toMatch(/Shopify sent/);
  });

  it("holds the export attempt, the ERP customer's own log lines, guest orders with the customer's email and the earlier reports; keeps the existing fields; nothing of another customer", async () => {
    const report = JSON.parse(carlReport.report);
    for (const field of ["shop", "shopifyCustomerId", "generatedAt", "mirror", "addresses", "linkedErpCustomer", "orders", "log"]) expect(report).toHaveProperty(field);
    expect(report.mirror).toMatchObject({ shopifyId: gid(401), email: CARL_EMAIL, erpCustomerNo: erpNo });
    expect(report.linkedErpCustomer).toMatchObject({ no: erpNo, email: CARL_EMAIL });
    expect(report.orders.map((o: any) => o.shopifyId)).toEqual(["gid://shopify/Order/8401"]);
    expect(report.orders[0].billTo).toEqual(expect.any(Object));
    expect(report.exportAttempts).toEqual([expect.objectContaining({ erpCustomerNo: erpNo, email: CARL_EMAIL, phone: "+46709876543" })]);
    expect(report.erpCustomerLog.map((l: any) => l.code)).toEqual(["countyNotFound"]);
    expect(report.ordersWithCustomerEmail.map((o: any) => o.shopifyId)).toEqual(["gid://shopify/Order/8403"]);
    expect(report.ordersWithCustomerEmail[0].sellTo).toEqual({ name: "Carl Rapportsson", city: "Malmö" });
    const first = await db().dataRequest.findFirstOrThrow({ where: { shop: SHOP, shopifyCustomerId: gid(401) }, orderBy: { id: "asc" } });
    expect(report.earlierDataRequests).toEqual([{ id: first.id, createdAt: first.createdAt.toISOString() }]);
    expect(report.redactions).toEqual([]);
    expect(report.counts).toMatchObject({ mirror: 1, addresses: 1, linkedErpCustomer: 1, orders: 1, ordersWithCustomerEmail: 1, exportAttempts: 1, erpCustomerLog: 1, earlierDataRequests: 1 });
    for (const part of Object.keys(report.counts)) expect(report.guide[part], part).toEqual(expect.any(String));
    expect(carlReport.report).not.toContain("dora.granne@example.test");
    expect(carlReport.report).not.toContain("Grannström");
    expect(carlReport.report).not.toContain("8404");
    expect(carlReport.report).not.toContain(OTHER);
  });
});

describe("GET /app/data-requests/:id (the download on the Log page)", () => {
  it("answers the shop's own report: 200, JSON, an attachment named after the customer and the report, the stored report as body", async () => {
    const res = await download(SHOP, String(carlReport.id));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json\b/);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="customer-401-data-request-${carlReport.id}.json"`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.text()).toBe(carlReport.report);
  });

  it("answers another shop's report id with the same 404 as an id that does not exist (nothing leaks)", async () => {
    // Both shops have a report of customer 401; SHOP asks for OTHER's id.
    const res = await download(SHOP, String(otherShopReport.id));
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).toBe(`No data request report ${otherShopReport.id} in this shop.`);
    expect(body).not.toContain(OTHER);
    expect(res.headers.get("Content-Disposition")).toBeNull();
    // And the other way round.
    const back = await download(OTHER, String(carlReport.id));
    expect(back.status).toBe(404);
    expect(await back.text()).toBe(`No data request report ${carlReport.id} in this shop.`);
    // Its own report the other shop does get.
    expect((await download(OTHER, String(otherShopReport.id))).status).toBe(200);
  });

  it("answers an unknown id with a 404 that says so", async () => {
    const res = await download(SHOP, "999999");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain\b/);
    expect(await res.text()).toBe("No data request report 999999 in this shop.");
  });

  it.each(["abc", "0", "-1", "1.5", "0x1", "1e0", " 1", "99999999999"])("answers the non-numeric or impossible id %j with a 404 that says what an id is", async (id) => {
    const res = await download(SHOP, id);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(`"${id}" is not a data request id (a positive whole number).`);
  });

  it("gives nothing to a request without the shop's session token", async () => {
    const res = await download(null, String(carlReport.id));
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain(CARL_EMAIL);
  });
});
