import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { client, simulator, SHOP, API_SECRET, CREATE } from "./testkit.js";
import type { ShopifySimulator } from "./index.js";

interface Hit { path: string; headers: Record<string, string>; raw: string }
let sim: ShopifySimulator;
let server: Server;
let hits: Hit[] = [];
let failNext = 0;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, raw });
      if (failNext > 0) { failNext--; res.statusCode = 500; res.end("boom"); return; }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as any).port}`;
  sim = await simulator({ webhookUrl: `${base}/webhooks`, webhookRetryDelaysMs: [10, 10, 10, 10, 10, 10, 10] });
});
afterAll(async () => { await sim.close(); server.close(); });
beforeEach(() => { sim.reset(); hits = []; failNext = 0; sim.setAutoWebhooks(false); sim.setWebhookOptions({ duplicates: 1, shuffle: false, routes: {} }); });

const verify = (raw: string, hmac: string) => {
  const want = createHmac("sha256", API_SECRET).update(raw, "utf8").digest();
  const got = Buffer.from(hmac, "base64");
  return got.length === want.length && timingSafeEqual(got, want);
};

describe("webhooks", () => {
  it("signs like Shopify: a plain HMAC-SHA256 of the raw body verifies, with all the headers", async () => {
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/6001", firstName: "Ida", lastName: "Berg", defaultEmailAddress: { emailAddress: "ida@example.test" },
      addresses: [{ id: "gid://shopify/MailingAddress/9001", address1: "Storgatan 3", city: "Umeå", countryCodeV2: "SE" }, { id: "gid://shopify/MailingAddress/9002", address1: "Kungsgatan 1", city: "Luleå", countryCodeV2: "SE" }],
      defaultAddress: { id: "gid://shopify/MailingAddress/9002" } });
    const payload = sim.webhookPayload(SHOP, "customers/update", "gid://shopify/Customer/6001");
    expect(payload).toMatchObject({
      id: 6001, admin_graphql_api_id: "gid://shopify/Customer/6001", email: "ida@example.test", first_name: "Ida", last_name: "Berg", state: "disabled",
      addresses: [{ id: 9001, customer_id: 6001, default: false, country_code: "SE", country: "Sweden" }, { id: 9002, default: true }],
      default_address: { id: 9002, address1: "Kungsgatan 1", default: true },
    });
    expect(payload).not.toHaveProperty("tags"); // not in customer webhooks since 2025-01
    expect(await sim.deliverWebhook(SHOP, "customers/update", payload, { webhookId: "wh-1", eventId: "ev-1" })).toMatchObject({ status: 200 });
    expect(hits).toHaveLength(1);
    const h = hits[0];
    expect(h.path).toBe("/webhooks");
    expect(verify(h.raw, h.headers["x-shopify-hmac-sha256"])).toBe(true);
    expect(verify(h.raw + " ", h.headers["x-shopify-hmac-sha256"])).toBe(false);
    expect(h.headers).toMatchObject({
      "x-shopify-topic": "customers/update", "x-shopify-shop-domain": SHOP, "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": "wh-1", "x-shopify-event-id": "ev-1", "content-type": "application/json",
    });
    expect(Date.parse(h.headers["x-shopify-triggered-at"])).not.toBeNaN();
    expect(JSON.parse(h.raw)).toEqual(payload);
  });

  it("retries failed deliveries with the same webhook id, and can duplicate", async () => {
    failNext = 2;
    const r = await sim.deliverWebhook(SHOP, "shop/redact", { shop_id: 1, shop_domain: SHOP }, { webhookId: "wh-r" });
    expect(r.status).toBe(200);
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.headers["x-shopify-webhook-id"]))).toEqual(new Set(["wh-r"]));
    hits = [];
    await sim.deliverWebhook(SHOP, "customers/redact", { shop_domain: SHOP, customer: { id: 1 } }, { duplicates: 3 });
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.headers["x-shopify-webhook-id"])).size).toBe(1);
    hits = [];
    failNext = 100;
    const gaveUp = await sim.deliverWebhook(SHOP, "app/uninstalled", sim.webhookPayload(SHOP, "app/uninstalled", ""));
    expect(gaveUp.status).toBe(500);
    expect(hits).toHaveLength(8); // Shopify tries 8 times (compressed here)
  });

  it("echoes the app's own mutations as webhooks when auto-delivery is on, routed per topic", async () => {
    sim.setAutoWebhooks(true);
    sim.setWebhookOptions({ routes: { "customers/create": "/webhooks/customers/create", "customers/update": `${base}/hooks/update` } });
    const gql = client(sim);
    const c = (await gql(CREATE, { input: { firstName: "Echo", email: "echo@example.test" } })).body.data.customerCreate.customer;
    await gql(`mutation($i: CustomerInput!) { customerUpdate(input: $i) { userErrors { message } } }`, { i: { id: c.id, lastName: "Back" } });
    await sim.flushWebhooks();
    expect(hits.map((h) => [h.path, h.headers["x-shopify-topic"]])).toEqual([
      ["/webhooks/customers/create", "customers/create"], ["/hooks/update", "customers/update"],
    ]);
    expect(JSON.parse(hits[1].raw)).toMatchObject({ admin_graphql_api_id: c.id, last_name: "Back", email: "echo@example.test" });
    sim.setAutoWebhooks(false);
    hits = [];
    await gql(`mutation($i: CustomerInput!) { customerUpdate(input: $i) { userErrors { message } } }`, { i: { id: c.id, lastName: "Quiet" } });
    await sim.flushWebhooks();
    expect(hits).toEqual([]);
  });

  it("stamps customer payloads in whole seconds: two changes within one second give two customers/update payloads with one updated_at, and only a read (customer(id:)) tells the current version", async () => {
    const id = "gid://shopify/Customer/6101";
    const at = (ms: string, city: string) => ({ id, firstName: "Ida", updatedAt: `2026-03-01T10:05:00.${ms}Z`, addresses: [{ id: "gid://shopify/MailingAddress/9101", address1: "Storgatan 3", city, countryCodeV2: "SE" }] });
    sim.setCustomer(SHOP, at("100", "Uppsala"));
    const older = sim.webhookPayload(SHOP, "customers/update", id);
    sim.setCustomer(SHOP, at("900", "Kiruna"));
    const newer = sim.webhookPayload(SHOP, "customers/update", id);
    expect([older.updated_at, newer.updated_at]).toEqual(["2026-03-01T10:05:00+00:00", "2026-03-01T10:05:00+00:00"]);
    expect([older.addresses[0].city, newer.addresses[0].city]).toEqual(["Uppsala", "Kiruna"]);
    const r = await client(sim)(`query($id: ID!) { customer(id: $id) { addressesV2(first: 5) { nodes { city } } } }`, { id });
    expect(r.body.data.customer.addressesV2.nodes).toEqual([{ city: "Kiruna" }]);
  });

  it("builds order payloads from state; a guest order has no customer key", () => {
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/1", firstName: "A", defaultEmailAddress: { emailAddress: "a@example.test" } });
    sim.setOrder(SHOP, { id: "gid://shopify/Order/11", name: "#1001", email: "a@example.test", customer: { id: "gid://shopify/Customer/1" }, billingAddress: { firstName: "A", address1: "X 1", city: "Y", countryCodeV2: "SE" } });
    sim.setOrder(SHOP, { id: "gid://shopify/Order/12", name: "#1002", email: "guest@example.test", customer: null });
    const o = sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/11");
    expect(o).toMatchObject({ id: 11, admin_graphql_api_id: "gid://shopify/Order/11", name: "#1001", customer: { id: 1, email: "a@example.test" }, billing_address: { country_code: "SE", country: "Sweden" }, shipping_address: null, line_items: [] });
    expect(sim.webhookPayload(SHOP, "orders/create", "gid://shopify/Order/12")).not.toHaveProperty("customer");
  });
});
