// Webhook deliveries whose payload can never be processed, deliveries in an order Shopify does not promise, and what
// is kept of a delivery once it is processed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { deliverAndDrain, gid, removeDb, seCustomer, seedShop, tableCounts } from "./support";

let h: Harness;
const db = () => h.app.prisma;
beforeAll(async () => {
  h = await startHarness({ name: "reliability-payloads" });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const deliver = (shop: string, topic: string, payload: unknown) => deliverAndDrain(h, shop, topic, payload);

describe("a payload that names no valid Shopify id", () => {
  const SHOP = "payloads-invalid.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  const cases: Array<[string, string, (p: any) => unknown]> = [
    ["customers/create", "no id", (p) => ({ ...p, id: undefined, admin_graphql_api_id: undefined })],
    ["customers/create", "a negative id", (p) => ({ ...p, id: -5, admin_graphql_api_id: undefined })],
    ["customers/update", "an id beyond any integer", (p) => ({ ...p, id: 1e29, admin_graphql_api_id: undefined })],
    ["customers/update", "a gid of another type", (p) => ({ ...p, admin_graphql_api_id: "gid://shopify/Order/5" })],
    ["orders/create", "no order id", () => ({ name: "#A", email: "a@example.test", customer: null })],
    ["orders/create", "a customer id that is not a number", () => ({ id: 77001, name: "#B", email: "b@example.test", customer: { id: "abc" } })],
    ["customers/data_request", "no customer id", () => ({ shop_domain: SHOP, customer: { email: "x@example.test" }, orders_requested: [] })],
  ];
  for (const [topic, what, make] of cases) {
    it(`${topic} with ${what}: one failed run with one invalidPayload entry, the job failed after one attempt, nothing stored`, async () => {
      h.sim.setCustomer(SHOP, seCustomer(901));
      const payload = make(h.sim.webhookPayload(SHOP, "customers/create", gid(901)));
      const before = await tableCounts(h, SHOP);
      const w = await deliver(SHOP, topic, payload);
      const job = await db().job.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { id: "desc" } });
      expect(job).toMatchObject({ status: "failed", attempts: 1 });
      expect(job.lastError).toBe(`The ${topic} delivery ${w.webhookId} cannot be processed: ${job.lastError.split(": ").pop()}`);
      expect(job.lastError).toMatch(/no valid (customer|order) id|customer has no valid id/);
      const run = await db().syncRun.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { id: "desc" } });
      expect(run).toMatchObject({ kind: "webhook", status: "failed", message: job.lastError });
      expect((await db().syncLogEntry.findMany({ where: { runId: run.id } })).map((e) => [e.level, e.code, e.message])).toEqual([["error", "invalidPayload", job.lastError]]);
      // One receipt, one job, one run, one log entry; no mirror, order, ERP customer or report.
      expect(await tableCounts(h, SHOP)).toEqual({ ...before, WebhookReceipt: before.WebhookReceipt + 1, Job: before.Job + 1, SyncRun: before.SyncRun + 1, SyncLogEntry: before.SyncLogEntry + 1 });
    });
  }

  it("on the sync log such a job is listed with its error and cannot be tried again (it would fail the same way)", async () => {
    const { jobs } = await h.app.jobs.listFailedJobs(SHOP, { take: 100 });
    const invalid = jobs.filter((j) => /cannot be processed/.test(j.lastError));
    expect(invalid.length).toBe(cases.length);
    for (const j of invalid) expect(j.cannotRetry).toBe("invalidPayload");
    const r = await h.app.jobs.retryFailedJob(SHOP, invalid[0].id);
    expect(r).toMatchObject({ ok: false, reason: "invalidPayload" });
    expect(await db().job.findUniqueOrThrow({ where: { id: invalid[0].id } })).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("customers/redact without a customer id fails once and keeps nothing of what it asked to erase", async () => {
    await deliver(SHOP, "customers/redact", { shop_domain: SHOP, customer: { email: "erase.me@example.test", phone: "+46701112233" }, orders_to_redact: [] });
    const job = await db().job.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { id: "desc" } });
    expect(job).toMatchObject({ status: "failed", attempts: 1, payload: "{}" });
    for (const t of Object.keys(await tableCounts(h))) {
      const rows: unknown[] = await db().$queryRawUnsafe(`SELECT * FROM "${t}" WHERE shop = ?`, SHOP);
      expect(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v)), t).not.toMatch(/erase\.me|701112233/);
    }
  });

  it("an order whose customer block is empty is still a guest order, not an invalid one", async () => {
    await deliver(SHOP, "orders/create", { id: 77002, name: "#C", email: "c@example.test", customer: {} });
    expect(await db().importedOrder.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: "gid://shopify/Order/77002" } } })).toMatchObject({ shopifyCustomerId: "" });
  });
});

describe("delivery order", () => {
  const SHOP = "payloads-order.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("customers/delete delivered before the customer's customers/create: no ERP customer, no live mirror for a customer Shopify has deleted", async () => {
    h.sim.setCustomer(SHOP, seCustomer(502));
    const create = h.sim.webhookPayload(SHOP, "customers/create", gid(502));
    const del = h.sim.webhookPayload(SHOP, "customers/delete", gid(502));
    h.sim.deleteCustomer(SHOP, gid(502));
    await deliver(SHOP, "customers/delete", del);
    await deliver(SHOP, "customers/create", create);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(0);
    const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(502) } } });
    // The row says the customer is deleted and holds nothing of them.
    expect(mirror).toMatchObject({ deletedInShopify: true, erpCustomerNo: "", firstName: "", lastName: "", email: "" });
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(502) } })).toBe(0);
  });
});

describe("jobs take the shop's turn", () => {
  it("a guest order and shop/redact are keyed jobs (they wait for a running Sync of the shop); app/uninstalled is not", () => {
    const { webhookJobKey } = h.app.webhooks;
    expect(webhookJobKey("orders/create", { id: 5, customer: null })).toBe("gid://shopify/Order/5");
    expect(webhookJobKey("orders/create", { id: 5, customer: { id: 7 } })).toBe(gid(7));
    expect(webhookJobKey("shop/redact", { shop_domain: "x" })).toBe("shop/redact");
    expect(webhookJobKey("app/uninstalled", {})).toBe("");
  });
});

describe("what is kept of a processed delivery", () => {
  const SHOP = "payloads-kept.myshopify.com";
  beforeAll(() => seedShop(h, SHOP));

  it("its job keeps the topic and webhook id, not the customer's data (the mirror holds what the app keeps)", async () => {
    h.sim.setCustomer(SHOP, seCustomer(601, { email: "kept@example.test" }));
    const w = await deliver(SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(601)));
    const job = await db().job.findFirstOrThrow({ where: { shop: SHOP, key: gid(601) } });
    expect(job.status).toBe("done");
    expect(JSON.parse(job.payload)).toEqual({ topic: "customers/create", webhookId: w.webhookId });
    expect(await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(601) } } })).toMatchObject({ email: "kept@example.test" });
  });
});
