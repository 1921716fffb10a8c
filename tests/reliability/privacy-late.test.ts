// Privacy against Shopify's delivery habits: deliveries sent before a customers/redact and delivered after it, the
// customer's guest orders and Shopify's order lists (orders_to_redact, orders_requested), an order waiting in the
// queue when the redaction comes, and late orders of a deleted customer. Every table of the shop is searched for the
// customer's data (the ERP customer, the merchant's own record, excepted).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { deliverAndDrain, drain, gid, post, removeDb, seCustomer, seedShop, signedWebhook, tableCounts } from "./support";

let h: Harness;
const db = () => h.app.prisma;
beforeAll(async () => {
  h = await startHarness({ name: "reliability-privacy-late" });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const deliver = (shop: string, topic: string, payload: unknown) => deliverAndDrain(h, shop, topic, payload);

/** Tables of the shop whose rows contain `needle`, with how many rows. */
async function rowsContaining(shop: string, needle: string, skip: string[] = ["ErpCustomer"]) {
  const out: Record<string, number> = {};
  for (const t of Object.keys(await tableCounts(h))) {
    if (skip.includes(t)) continue;
    const rows: unknown[] = await db().$queryRawUnsafe(`SELECT * FROM "${t}" WHERE shop = ?`, shop);
    const n = rows.filter((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? Number(v) : v)).includes(needle)).length;
    if (n) out[t] = n;
  }
  return out;
}

const orderOf = (c: ReturnType<typeof seCustomer>, id: string, withCustomer: boolean) => {
  const a = { ...c.addresses[0], id: undefined };
  return { id, email: c.defaultEmailAddress?.emailAddress, customer: withCustomer ? { id: c.id } : null, billingAddress: a, shippingAddress: a };
};
const order = (shop: string, id: string) => db().importedOrder.findUniqueOrThrow({ where: { shop_shopifyId: { shop, shopifyId: id } } });

describe("customers/redact holds against late deliveries", () => {
  const SHOP = "late-redact.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("a customers/update and an orders/create sent before the redaction and delivered after it store nothing of the customer; the order is kept without the customer's data", async () => {
    const anna = seCustomer(101, { first: "Anna", last: "Hemlig", email: "anna.hemlig@example.test", updatedAt: "2026-01-01T10:00:00Z" });
    h.sim.setCustomer(SHOP, anna);
    await deliver(SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(101)));
    const erpNo = (await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(101) } } })).erpCustomerNo;
    expect(erpNo).not.toBe("");
    h.sim.setCustomer(SHOP, { ...anna, updatedAt: "2026-01-02T10:00:00Z" });
    const lateUpdate = h.sim.webhookPayload(SHOP, "customers/update", gid(101));
    h.sim.setOrder(SHOP, orderOf(anna, "gid://shopify/Order/1011", true));
    const lateOrder = h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/1011");
    const lateDelete = h.sim.webhookPayload(SHOP, "customers/delete", gid(101));

    await deliver(SHOP, "customers/redact", h.sim.webhookPayload(SHOP, "customers/redact", gid(101)));
    expect(await rowsContaining(SHOP, "anna.hemlig")).toEqual({});
    await deliver(SHOP, "customers/update", lateUpdate);
    await deliver(SHOP, "orders/create", lateOrder);
    await deliver(SHOP, "customers/delete", lateDelete);

    expect(await rowsContaining(SHOP, "anna.hemlig")).toEqual({});
    expect(await rowsContaining(SHOP, "Hemlig")).toEqual({});
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(101) } })).toBe(0);
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(101) } })).toBe(0);
    // The order is the merchant's record: kept, with no customer and none of the customer's data.
    expect(await order(SHOP, "gid://shopify/Order/1011")).toMatchObject({ shopifyCustomerId: "", email: "", phone: "", sellTo: "{}", shipTo: "{}", billTo: "{}", status: "needsCustomer" });
    expect((await order(SHOP, "gid://shopify/Order/1011")).reason).toMatch(/customers\/redact/);
    // The ERP customer stays, unchanged.
    expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: erpNo } } })).toMatchObject({ email: "anna.hemlig@example.test" });
  });

  it("the Import orders catch-up reading the redacted customer's order stores it without the customer's data", async () => {
    const r = await h.app.service.sync.importOrders(SHOP, "manual");
    expect(r.status).toBe("succeeded");
    expect(r.counts.read).toBeGreaterThan(0);
    expect(await order(SHOP, "gid://shopify/Order/1011")).toMatchObject({ shopifyCustomerId: "", email: "", billTo: "{}" });
    expect(await rowsContaining(SHOP, "anna.hemlig")).toEqual({});
  });
});

describe("customers/redact covers the customer's guest orders and Shopify's orders_to_redact", () => {
  const SHOP = "late-guest.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("a guest order with the customer's email, and one Shopify lists, lose the customer's data with their stored payloads", async () => {
    const ulla = seCustomer(201, { first: "Ulla", last: "Unik", email: "ulla.unik@example.test" });
    h.sim.setCustomer(SHOP, ulla);
    h.sim.setOrder(SHOP, orderOf(ulla, "gid://shopify/Order/2010", false));
    h.sim.setOrder(SHOP, { ...orderOf(ulla, "gid://shopify/Order/2011", false), email: "ulla.other.address@example.test" });
    await deliver(SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/2010"));
    await deliver(SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/2011"));
    await deliver(SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(201)));
    // A failed job of a guest order keeps its payload (to be retried): the redaction removes it too.
    await db().job.updateMany({ where: { shop: SHOP, key: "gid://shopify/Order/2011" }, data: { status: "failed", payload: JSON.stringify({ topic: "orders/create", webhookId: "x", payload: { id: 2011, email: "ulla.other.address@example.test" } }) } });
    expect(await rowsContaining(SHOP, "ulla.")).not.toEqual({});

    await deliver(SHOP, "customers/redact", { shop_id: 1, shop_domain: SHOP, customer: { id: 201, email: "ulla.unik@example.test", phone: null }, orders_to_redact: [2011] });
    expect(await rowsContaining(SHOP, "ulla.")).toEqual({});
    expect(await rowsContaining(SHOP, "Unik")).toEqual({});
    const redaction = await db().redaction.findFirstOrThrow({ where: { shop: SHOP } });
    expect(redaction.orderIds.trim().split(" ").sort()).toEqual(["gid://shopify/Order/2010", "gid://shopify/Order/2011"]);
    // A late delivery of a listed guest order stores it without the customer's data.
    await deliver(SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/2011"));
    expect(await rowsContaining(SHOP, "ulla.")).toEqual({});
    expect(await order(SHOP, "gid://shopify/Order/2011")).toMatchObject({ email: "", billTo: "{}" });
  });

  it("an order of the customer waiting in the queue (retry backoff) when the redaction comes is still imported, without the customer's data", async () => {
    const bo = seCustomer(8101, { email: "bo.vantar@example.test" });
    h.sim.setCustomer(SHOP, bo);
    h.sim.setOrder(SHOP, orderOf(bo, "gid://shopify/Order/8101", true));
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/8101")))).toBe(200);
    await db().job.updateMany({ where: { shop: SHOP, key: gid(8101) }, data: { runAt: new Date(Date.now() + 60_000), attempts: 1, lastError: "database is locked" } });
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/redact", h.sim.webhookPayload(SHOP, "customers/redact", gid(8101))))).toBe(200);
    await h.app.service.jobQueue().drain(); // what is runnable now: the redaction, not the order in its backoff
    // Waiting, without the customer's data.
    const waiting = await db().job.findFirstOrThrow({ where: { shop: SHOP, key: gid(8101), status: "queued" } });
    expect(waiting.payload).not.toMatch(/bo\.vantar|Storgatan 8101/);
    expect(JSON.parse(waiting.payload)).toMatchObject({ topic: "orders/create", payload: { id: 8101, customer: null } });
    await db().job.updateMany({ where: { id: waiting.id }, data: { runAt: new Date() } });
    await drain(h);
    expect(await order(SHOP, "gid://shopify/Order/8101")).toMatchObject({ shopifyCustomerId: "", email: "", sellTo: "{}" });
    expect(await rowsContaining(SHOP, "bo.vantar")).toEqual({});
  });
});

describe("customers/data_request", () => {
  const SHOP = "late-report.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("the report holds the orders Shopify lists in orders_requested", async () => {
    const greta = seCustomer(301, { email: "greta@example.test" });
    h.sim.setCustomer(SHOP, greta);
    h.sim.setOrder(SHOP, { ...orderOf(greta, "gid://shopify/Order/3010", false), email: "greta.work@example.test" });
    await deliver(SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/3010"));
    await deliver(SHOP, "customers/data_request", { shop_id: 1, shop_domain: SHOP, customer: { id: 301, email: "greta@example.test" }, orders_requested: [3010], data_request: { id: 1 } });
    const report = JSON.parse((await db().dataRequest.findFirstOrThrow({ where: { shop: SHOP } })).report);
    expect(report.orders.map((o: any) => o.shopifyId)).toEqual(["gid://shopify/Order/3010"]);
    expect(report.orders[0].billTo).toMatchObject({ city: "Stockholm" });
  });
});

describe("orders of a customer Shopify deleted", () => {
  const SHOP = "late-deleted.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("a late orders/create does not bring the deleted customer's mirror back or link it; the order is resolved by its email", async () => {
    const c = seCustomer(501, { updatedAt: "2026-01-01T10:00:00Z" });
    h.sim.setCustomer(SHOP, c);
    await deliver(SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(501)));
    const erpNo = (await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(501) } } })).erpCustomerNo;
    h.sim.setOrder(SHOP, orderOf(c, "gid://shopify/Order/5010", true));
    const lateOrder = h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/5010");
    await deliver(SHOP, "customers/delete", h.sim.webhookPayload(SHOP, "customers/delete", gid(501)));
    await deliver(SHOP, "orders/create", lateOrder);
    expect(await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(501) } } })).toMatchObject({ deletedInShopify: true, erpCustomerNo: "", linkSource: "" });
    // The ERP customer still has the order's email: the order goes to it, as a guest order would.
    expect(await order(SHOP, "gid://shopify/Order/5010")).toMatchObject({ sellToCustomerNo: erpNo, status: "mapped" });
    expect((await order(SHOP, "gid://shopify/Order/5010")).reason).toMatch(/by email/);
  });
});

describe("guest orders", () => {
  const SHOP = "late-ambiguous.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("whose email matches two ERP customers go to the lowest number with an ambiguousMatch warning naming the other", async () => {
    await db().erpCustomer.create({ data: { shop: SHOP, no: "E1", name: "One", email: "dup@example.test" } });
    await db().erpCustomer.create({ data: { shop: SHOP, no: "E2", name: "Two", email: "DUP@example.test; other@example.test" } });
    await deliver(SHOP, "orders/create", { id: 7001, name: "#7001", email: " Dup@Example.test ", customer: null });
    expect(await order(SHOP, "gid://shopify/Order/7001")).toMatchObject({ sellToCustomerNo: "E1", billToCustomerNo: "E1", status: "mapped" });
    const warnings = await db().syncLogEntry.findMany({ where: { shop: SHOP, code: "ambiguousMatch" } });
    expect(warnings.map((w) => [w.level, w.erpCustomerNo])).toEqual([["warning", "E1"]]);
    expect(warnings[0].message).toMatch(/#7001.*E1.*E2/);
  });
});

describe("redactions of any size, and guest orders however they are spelled or wherever they wait", () => {
  const SHOP = "late-size.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("a customer with 1,200 stored orders and an orders_to_redact of 10,000 ids is redacted (statements stay under SQLite's parameter limit)", async () => {
    const c = seCustomer(901, { email: "many.orders@example.test" });
    h.sim.setCustomer(SHOP, c);
    await deliver(SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(901)));
    await db().importedOrder.createMany({
      data: Array.from({ length: 1200 }, (_, i) => ({ shop: SHOP, shopifyId: `gid://shopify/Order/${500000 + i}`, name: `#${i}`, email: "many.orders@example.test", shopifyCustomerId: gid(901), billTo: JSON.stringify({ city: "Mångaby" }) })),
    });
    const listed = Array.from({ length: 10_000 }, (_, i) => 500000 + i);
    await deliver(SHOP, "customers/redact", { shop_domain: SHOP, customer: { id: 901, email: "many.orders@example.test" }, orders_to_redact: listed });
    expect(await db().job.count({ where: { shop: SHOP, status: "failed" } })).toBe(0);
    expect(await rowsContaining(SHOP, "many.orders")).toEqual({});
    expect(await rowsContaining(SHOP, "Mångaby")).toEqual({});
    expect(await db().redaction.count({ where: { shop: SHOP, shopifyCustomerId: gid(901) } })).toBe(1);

    // The data report of as many listed orders is made too.
    await deliver(SHOP, "customers/data_request", { shop_domain: SHOP, customer: { id: 901 }, orders_requested: listed, data_request: { id: 9 } });
    const report = JSON.parse((await db().dataRequest.findFirstOrThrow({ where: { shop: SHOP, shopifyCustomerId: gid(901) } })).report);
    expect(report.orders).toHaveLength(1200);
  });

  it("a stored guest order whose email differs in case, and guest orders waiting in the queue or failed with the customer's email, keep nothing of the customer", async () => {
    const c = seCustomer(902, { email: "ulla.case@example.test" });
    h.sim.setCustomer(SHOP, c);
    await deliver(SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(902)));
    const guest = (id: string) => ({ ...orderOf(c, id, false), email: "Ulla.Case@Example.TEST" });
    h.sim.setOrder(SHOP, guest("gid://shopify/Order/9021"));
    h.sim.setOrder(SHOP, guest("gid://shopify/Order/9022"));
    h.sim.setOrder(SHOP, guest("gid://shopify/Order/9023"));
    await deliver(SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/9021"));
    // 9022 waits in its retry backoff; 9023 failed for good.
    for (const id of ["9022", "9023"]) expect(await post(signedWebhook(h.webhookUrl, SHOP, "orders/create", h.sim.webhookPayload(SHOP, "orders/create", `gid://shopify/Order/${id}`)))).toBe(200);
    await db().job.updateMany({ where: { shop: SHOP, key: "gid://shopify/Order/9022" }, data: { runAt: new Date(Date.now() + 60_000), attempts: 1 } });
    await db().job.updateMany({ where: { shop: SHOP, key: "gid://shopify/Order/9023" }, data: { status: "failed", attempts: 8, lastError: "database is locked" } });
    expect(await rowsContaining(SHOP, "Ulla.Case")).not.toEqual({});

    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/redact", { shop_domain: SHOP, customer: { id: 902, email: "ulla.case@example.test" }, orders_to_redact: [] }))).toBe(200);
    await h.app.service.jobQueue().drain();
    for (const needle of ["Ulla.Case", "ulla.case"]) expect(await rowsContaining(SHOP, needle)).toEqual({});
    expect(await order(SHOP, "gid://shopify/Order/9021")).toMatchObject({ email: "", billTo: "{}" });
    // The waiting order is still imported, without the customer's data; the failed one is gone.
    await db().job.updateMany({ where: { shop: SHOP, key: "gid://shopify/Order/9022" }, data: { runAt: new Date() } });
    await drain(h);
    expect(await order(SHOP, "gid://shopify/Order/9022")).toMatchObject({ email: "", billTo: "{}" });
    expect(await db().job.count({ where: { shop: SHOP, key: "gid://shopify/Order/9023" } })).toBe(0);
    expect(await rowsContaining(SHOP, "Ulla.Case")).toEqual({});
  });

  it("a redaction that fails on its last attempt keeps nothing of what it asked to erase", async () => {
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/redact", { shop_domain: SHOP, customer: { id: 903, email: "last.try@example.test", phone: "+46700000903" }, orders_to_redact: [] }))).toBe(200);
    const job = await db().job.findFirstOrThrow({ where: { shop: SHOP, key: gid(903) } });
    // Its last attempt, and the database refuses the redaction's writes.
    await db().job.update({ where: { id: job.id }, data: { attempts: job.maxAttempts - 1 } });
    await db().$executeRawUnsafe(`CREATE TRIGGER refuse_redaction BEFORE INSERT ON "Redaction" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    try {
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      await h.app.service.jobQueue().drain();
      errors.mockRestore();
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER refuse_redaction`);
    }
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "failed", payload: "{}" });
    expect(await rowsContaining(SHOP, "last.try")).toEqual({});
  });
});
