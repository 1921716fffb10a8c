// Webhook delivery through the app's real route (spec §10; toolchain guide: Shopify retries, duplicates and reorders
// deliveries): HMAC, receipts by webhook id and event id, concurrent duplicates, reordering, customers/delete and
// app/uninstalled — asserted on database rows and the simulator's state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SECRET, startHarness, type Harness } from "../support/app-harness";
import { signWebhook } from "../simulator/webhooks";
import { drain, gid, post, removeDb, seCustomer, seedShop, signedWebhook, tableCounts } from "./support";

const SHOP = "reliability-webhooks.myshopify.com";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-webhooks" });
  await seedShop(h, SHOP);
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const db = () => h.app.prisma;
const payloadOf = (n: number) => h.sim.webhookPayload(SHOP, "customers/create", gid(n));

describe("HMAC", () => {
  it("a wrong HMAC and a body changed after signing are answered 401, a missing HMAC header 400 (the library's answer to a malformed request), and nothing is stored", async () => {
    h.sim.setCustomer(SHOP, seCustomer(100));
    const before = await tableCounts(h);
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(100));
    expect(await post(w, { headers: { "X-Shopify-Hmac-Sha256": signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(100), { secret: "someone-else" }).headers["X-Shopify-Hmac-Sha256"] } })).toBe(401);
    expect(await post(w, { body: w.body.replace("Förnamn100", "Mallory") })).toBe(401);
    const { "X-Shopify-Hmac-Sha256": _drop, ...unsigned } = w.headers;
    const res = await fetch(w.url, { method: "POST", headers: unsigned, body: w.body });
    expect(res.status).toBe(400);
    await drain(h);
    expect(await tableCounts(h)).toEqual(before);
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(0);
    expect(await db().job.count()).toBe(0);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(100) } })).toBe(0);
  });

  it("a delivery carrying a proxy's and a CDN's headers besides Shopify's is verified and recorded; changed, it is a 401", async () => {
    h.sim.setCustomer(SHOP, seCustomer(120));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(120));
    const proxy = { "User-Agent": "Shopify-Captain-Hook", Accept: "*/*", "Accept-Encoding": "gzip", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "app.example.test", "X-Real-Ip": "203.0.113.7", "Cdn-Loop": "cloudflare", "Cf-Ray": "8a1b2c3d4e5f-ARN", Traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
    expect(await post(w, { body: w.body.replace("Förnamn120", "Mallory"), headers: proxy })).toBe(401);
    expect(await post(w, { headers: proxy })).toBe(200);
    expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } })).toMatchObject({ shop: SHOP, topic: "customers/create", eventId: w.eventId });
    expect(await db().job.count({ where: { shop: SHOP, key: gid(120) } })).toBe(1);
    await drain(h);
  });
});

describe("the Remix route (npm run dev; the app server takes POST /webhooks on its direct path)", () => {
  /** The route's action called as Remix calls it, with a Fetch API request; a thrown Response is its answer. */
  async function routeAction(w: ReturnType<typeof signedWebhook>): Promise<Response> {
    const request = new Request(w.url, { method: "POST", headers: w.headers, body: w.body });
    try {
      return await h.app.webhookRoute.action({ request, params: {}, context: {} });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  it("a signed delivery is answered 200 with one receipt and one job; a wrong HMAC is a 401 and nothing is stored", async () => {
    h.sim.setCustomer(SHOP, seCustomer(160));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(160));
    expect((await routeAction(w)).status).toBe(200);
    expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } })).toMatchObject({ shop: SHOP, topic: "customers/create", eventId: w.eventId });
    expect(await db().job.count({ where: { shop: SHOP, key: gid(160) } })).toBe(1);
    await drain(h);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(160) } })).toBe(1);

    h.sim.setCustomer(SHOP, seCustomer(161));
    const before = await tableCounts(h);
    const forged = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(161), { secret: "someone-else" });
    expect((await routeAction(forged)).status).toBe(401);
    await drain(h);
    expect(await tableCounts(h)).toEqual(before);
    expect(await db().webhookReceipt.count({ where: { webhookId: forged.webhookId } })).toBe(0);
  });
});

describe("malformed signed deliveries", () => {
  it("a body that is not JSON, or a shop header that is not a shop domain, is answered 400 with the reason and nothing is stored", async () => {
    h.sim.setCustomer(SHOP, seCustomer(130));
    const before = await tableCounts(h);
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(130));
    const notJson = "{\"id\": 130, \"email\": ";
    const res = await fetch(w.url, { method: "POST", headers: { ...w.headers, "X-Shopify-Hmac-Sha256": signWebhook(notJson, API_SECRET) }, body: notJson });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("Malformed webhook delivery: the body is not JSON.");
    const elsewhere = signedWebhook(h.webhookUrl, "evil.example.com", "customers/create", payloadOf(130));
    const res2 = await fetch(elsewhere.url, { method: "POST", headers: elsewhere.headers, body: elsewhere.body });
    expect(res2.status).toBe(400);
    expect(await res2.text()).toBe("Malformed webhook delivery: X-Shopify-Shop-Domain is not a shop domain.");
    // Valid JSON that is not an object (every Shopify payload is one): it would fail in its job forever.
    for (const body of ["null", "[1,2]", '"just a string"', "42"]) {
      const r = await fetch(w.url, { method: "POST", headers: { ...w.headers, "X-Shopify-Webhook-Id": `not-object-${body}`, "X-Shopify-Hmac-Sha256": signWebhook(body, API_SECRET) }, body });
      expect([body, r.status, await r.text()]).toEqual([body, 400, "Malformed webhook delivery: the body is not a JSON object."]);
    }
    expect(await tableCounts(h)).toEqual(before);
  });

  it("a body above WEBHOOK_MAX_BYTES is refused with 413 before its signature is checked, with or without a Content-Length", async () => {
    const before = await tableCounts(h);
    process.env.WEBHOOK_MAX_BYTES = "2000";
    try {
      const big = JSON.stringify({ id: 131, note: "x".repeat(5000) });
      const signed = signedWebhook(h.webhookUrl, SHOP, "customers/create", JSON.parse(big));
      const withLength = await fetch(signed.url, { method: "POST", headers: signed.headers, body: big });
      expect(withLength.status).toBe(413);
      expect(await withLength.text()).toBe("Webhook delivery too large: more than 2000 bytes.");
      // Streamed without a Content-Length, and not even signed right: still a 413, read no further than the limit.
      const chunks = new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(1000)));
          c.close();
        },
      });
      const streamed = await fetch(signed.url, { method: "POST", headers: { ...signed.headers, "X-Shopify-Hmac-Sha256": "wrong" }, body: chunks, duplex: "half" } as RequestInit);
      expect(streamed.status).toBe(413);
    } finally {
      delete process.env.WEBHOOK_MAX_BYTES;
    }
    expect(await tableCounts(h)).toEqual(before);
  });

  it("a GET is answered 405", async () => {
    const res = await fetch(h.webhookUrl);
    expect(res.status).toBe(405);
  });
});

describe("receipts and duplicates", () => {
  it("a delivery is recorded by webhook id and event id, processed once, and the same delivery again is answered 200 with no work", async () => {
    h.sim.setCustomer(SHOP, seCustomer(101));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(101));
    expect(await post(w)).toBe(200);
    const receipt = await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } });
    expect(receipt).toMatchObject({ shop: SHOP, eventId: w.eventId, topic: "customers/create", status: "received" });
    expect(await db().job.count({ where: { shop: SHOP, key: gid(101) } })).toBe(1);
    await drain(h);
    expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } })).toMatchObject({ status: "processed", processedAt: expect.any(Date) });
    const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(101) } } });
    expect(mirror.erpCustomerNo).toMatch(/^C9\d{4}$/);
    const erpBefore = await db().erpCustomer.count({ where: { shop: SHOP } });

    // Shopify retries (it did not see our answer): the same webhook id and event id.
    expect(await post(w)).toBe(200);
    expect(await post(w)).toBe(200);
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(1);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(101) } })).toBe(1);
    expect(await db().job.count({ where: { status: { not: "done" } } })).toBe(0);
    await drain(h);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpBefore);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(101), code: "created" } })).toBe(1);
  });

  it("one webhook POSTed 5 times at once: one receipt, one job, one ERP customer, one mirror row", async () => {
    h.sim.setCustomer(SHOP, seCustomer(102));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(102));
    const erpBefore = await db().erpCustomer.count({ where: { shop: SHOP } });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => post(w)));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(1);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(102) } })).toBe(1);
    await drain(h);
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpBefore + 1);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund102@example.test" } })).toBe(1);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(102) } })).toBe(1);
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(102) } })).toBe(1);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, shopifyCustomerId: gid(102), code: "created" } })).toBe(1);
  });

  it("a burst of 20 distinct deliveries, each sent twice at once, plus 5 retries under new webhook ids with the same event ids: 20 receipts and 20 jobs in all", async () => {
    for (let n = 130; n < 150; n++) h.sim.setCustomer(SHOP, seCustomer(n));
    const firsts = Array.from({ length: 20 }, (_, i) => signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(130 + i)));
    const retries = firsts.slice(0, 5).map((w) => signedWebhook(h.webhookUrl, SHOP, "customers/create", JSON.parse(w.body), { eventId: w.eventId }));
    const statuses = await Promise.all([...firsts, ...firsts, ...retries].map((w) => post(w)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const keys = firsts.map((_, i) => gid(130 + i));
    expect(await db().webhookReceipt.count({ where: { webhookId: { in: firsts.map((w) => w.webhookId) } } })).toBe(20);
    expect(await db().webhookReceipt.count({ where: { webhookId: { in: retries.map((w) => w.webhookId) } } })).toBe(0);
    expect(await db().job.count({ where: { shop: SHOP, key: { in: keys } } })).toBe(20);
    await drain(h);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: { in: keys } } })).toBe(20);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: { in: keys.map((_, i) => `kund${130 + i}@example.test`) } } })).toBe(20);
  });

  it("rule: a delivery is a duplicate when its webhook id OR its (shop, topic, event id) was seen — the same event id under a new webhook id queues no second job", async () => {
    h.sim.setCustomer(SHOP, seCustomer(103));
    const first = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(103));
    const again = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(103), { eventId: first.eventId });
    expect(again.webhookId).not.toBe(first.webhookId);
    expect(await post(first)).toBe(200);
    expect(await post(again)).toBe(200);
    expect(await db().webhookReceipt.count({ where: { eventId: first.eventId } })).toBe(1);
    expect(await db().webhookReceipt.count({ where: { webhookId: again.webhookId } })).toBe(0);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(103) } })).toBe(1);
    await drain(h);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund103@example.test" } })).toBe(1);

    // The same event id on another topic is another event's delivery: it is recorded and processed.
    const update = signedWebhook(h.webhookUrl, SHOP, "customers/update", payloadOf(103), { eventId: first.eventId });
    expect(await post(update)).toBe(200);
    expect(await db().webhookReceipt.count({ where: { eventId: first.eventId } })).toBe(2);
  });

  it("a failure after the receipt is written (the job insert fails) leaves no receipt, so Shopify's retry is processed", async () => {
    h.sim.setCustomer(SHOP, seCustomer(104));
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(104));
    // The database refuses the job row once (a full disk, a lock timeout): a trigger on this customer's key.
    await db().$executeRawUnsafe(`CREATE TRIGGER fail_job_104 BEFORE INSERT ON "Job" WHEN NEW."key" = '${gid(104)}' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    try {
      expect(await post(w)).toBeGreaterThanOrEqual(500);
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER fail_job_104`);
    }
    expect(await db().webhookReceipt.count({ where: { webhookId: w.webhookId } })).toBe(0);
    // Shopify retries the same delivery.
    expect(await post(w)).toBe(200);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(104) } })).toBe(1);
    await drain(h);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(104) } })).toBe(1);
    expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund104@example.test" } })).toBe(1);
  });
});

describe("reordered deliveries", () => {
  it("an older customers/update delivered after a newer one is ignored: the newer data stays in the mirror and in the ERP customer", async () => {
    await h.app.settings.saveSettings(db(), SHOP, { shopifyCanUpdateCustomers: true });
    try {
      // Created at 10:00, then changed twice in Shopify: 10:05 (Berg, Uppsala) and 10:10 (Lind, Malmö).
      h.sim.setCustomer(SHOP, seCustomer(110, { first: "Karin", last: "Ek", city: "Stockholm", updatedAt: "2026-11-02T10:00:00Z" }));
      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(110)))).toBe(200);
      await drain(h);
      h.sim.setCustomer(SHOP, seCustomer(110, { first: "Karin", last: "Berg", city: "Uppsala", address1: "Kungsgatan 5", updatedAt: "2026-11-02T10:05:00Z" }));
      const older = h.sim.webhookPayload(SHOP, "customers/update", gid(110));
      h.sim.setCustomer(SHOP, seCustomer(110, { first: "Karin", last: "Lind", city: "Malmö", address1: "Södergatan 9", updatedAt: "2026-11-02T10:10:00Z" }));
      const newer = h.sim.webhookPayload(SHOP, "customers/update", gid(110));

      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/update", newer))).toBe(200);
      await drain(h);
      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/update", older))).toBe(200);
      await drain(h);

      const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(110) } } });
      expect(mirror).toMatchObject({ lastName: "Lind", updatedAt: new Date("2026-11-02T10:10:00Z") });
      expect(await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(110) }, select: { city: true, address1: true } })).toEqual([{ city: "Malmö", address1: "Södergatan 9" }]);
      const erp = await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: mirror.erpCustomerNo } } });
      expect(erp).toMatchObject({ name: "Karin Lind", city: "Malmö", address: "Södergatan 9" });
      expect(await db().erpCustomer.count({ where: { shop: SHOP, email: "kund110@example.test" } })).toBe(1);
      expect(h.sim.customers(SHOP).find((c) => c.id === gid(110))).toMatchObject({ lastName: "Lind" });
    } finally {
      await h.app.settings.saveSettings(db(), SHOP, { shopifyCanUpdateCustomers: false });
    }
  });

  it("deliveries in order still apply each change (the newer one wins because it is newer, not because it came last)", async () => {
    await h.app.settings.saveSettings(db(), SHOP, { shopifyCanUpdateCustomers: true });
    try {
      h.sim.setCustomer(SHOP, seCustomer(111, { first: "Olle", last: "Ek", updatedAt: "2026-11-02T11:00:00Z" }));
      const v1 = h.sim.webhookPayload(SHOP, "customers/create", gid(111));
      h.sim.setCustomer(SHOP, seCustomer(111, { first: "Olle", last: "Asp", updatedAt: "2026-11-02T11:01:00Z" }));
      const v2 = h.sim.webhookPayload(SHOP, "customers/update", gid(111));
      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/create", v1))).toBe(200);
      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/update", v2))).toBe(200);
      await drain(h);
      const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(111) } } });
      expect(mirror.lastName).toBe("Asp");
      expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: mirror.erpCustomerNo } } })).toMatchObject({ name: "Olle Asp" });
    } finally {
      await h.app.settings.saveSettings(db(), SHOP, { shopifyCanUpdateCustomers: false });
    }
  });
});

describe("customers/delete and app/uninstalled", () => {
  it("customers/delete marks the mirror deleted and unlinks it (addresses too); the ERP customer stays", async () => {
    h.sim.setCustomer(SHOP, seCustomer(120));
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(120)))).toBe(200);
    await drain(h);
    const before = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(120) } } });
    expect(before.erpCustomerNo).not.toBe("");
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(120), erpCustomerNo: before.erpCustomerNo } })).toBe(1);
    const erpCount = await db().erpCustomer.count({ where: { shop: SHOP } });

    const payload = h.sim.webhookPayload(SHOP, "customers/delete", gid(120));
    h.sim.deleteCustomer(SHOP, gid(120));
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/delete", payload))).toBe(200);
    await drain(h);

    const after = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(120) } } });
    expect(after).toMatchObject({ deletedInShopify: true, erpCustomerNo: "", linkSource: "" });
    expect(await db().mirrorAddress.count({ where: { shop: SHOP, customerShopifyId: gid(120), erpCustomerNo: { not: "" } } })).toBe(0);
    expect(await db().erpCustomer.findUnique({ where: { shop_no: { shop: SHOP, no: before.erpCustomerNo } } })).toMatchObject({ email: "kund120@example.test" });
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpCount);
    expect(h.sim.customers(SHOP).some((c) => c.id === gid(120))).toBe(false);
  });

  it("a customers/update that was sent before the customer's deletion but arrives after customers/delete does not bring the mirror back, link it or create an ERP customer", async () => {
    h.sim.setCustomer(SHOP, seCustomer(121, { updatedAt: "2026-11-03T09:00:00Z" }));
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(121)))).toBe(200);
    await drain(h);
    const linkedTo = (await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(121) } } })).erpCustomerNo;
    // Changed at 09:05 (its customers/update is delayed), deleted at 09:06 (customers/delete arrives first).
    h.sim.setCustomer(SHOP, seCustomer(121, { last: "Sent", email: "kund121.ny@example.test", updatedAt: "2026-11-03T09:05:00Z" }));
    const lateUpdate = h.sim.webhookPayload(SHOP, "customers/update", gid(121));
    const deletion = h.sim.webhookPayload(SHOP, "customers/delete", gid(121));
    h.sim.deleteCustomer(SHOP, gid(121));
    const erpCount = await db().erpCustomer.count({ where: { shop: SHOP } });
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/delete", deletion))).toBe(200);
    await drain(h);
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/update", lateUpdate))).toBe(200);
    await drain(h);
    expect(await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(121) } } })).toMatchObject({ deletedInShopify: true, erpCustomerNo: "", linkSource: "" });
    expect(await db().erpCustomer.count({ where: { shop: SHOP } })).toBe(erpCount);
    expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: linkedTo } } })).toMatchObject({ email: "kund121@example.test" });
  });

  it("app/uninstalled removes the shop's sessions and keeps every other row", async () => {
    const other = "reliability-webhooks-other.myshopify.com";
    await h.addSession(other);
    const before = await tableCounts(h, SHOP);
    expect(before.Session).toBe(1);
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "app/uninstalled", h.sim.webhookPayload(SHOP, "app/uninstalled", "")))).toBe(200);
    await drain(h);
    const after = await tableCounts(h, SHOP);
    // The delivery itself adds one receipt, one job and nothing else.
    expect(after).toEqual({ ...before, Session: 0, WebhookReceipt: before.WebhookReceipt + 1, Job: before.Job + 1 });
    expect(await db().session.count({ where: { shop: other } })).toBe(1);
  });

  it("after app/uninstalled a customer or order delivery changes nothing (data kept as it was until shop/redact), a redaction is still carried out", async () => {
    expect(await db().session.count({ where: { shop: SHOP } })).toBe(0);
    const mirror = await db().mirrorCustomer.findFirstOrThrow({ where: { shop: SHOP, deletedInShopify: false, erpCustomerNo: { not: "" } } });
    const erpBefore = await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: mirror.erpCustomerNo } } });
    const n = Number(mirror.shopifyId.split("/").pop());
    h.sim.setCustomer(SHOP, seCustomer(n, { first: "Efter", last: "Avinstallation", city: "Malmö" }));
    h.sim.setCustomer(SHOP, seCustomer(9501));
    const before = await tableCounts(h, SHOP);
    const update = signedWebhook(h.webhookUrl, SHOP, "customers/update", h.sim.webhookPayload(SHOP, "customers/update", mirror.shopifyId));
    const create = signedWebhook(h.webhookUrl, SHOP, "customers/create", payloadOf(9501));
    expect(await post(update)).toBe(200);
    expect(await post(create)).toBe(200);
    await drain(h);
    // Two receipts and two jobs, marked skipped; no run, no mirror, no ERP customer, nothing changed.
    expect(await tableCounts(h, SHOP)).toEqual({ ...before, WebhookReceipt: before.WebhookReceipt + 2, Job: before.Job + 2 });
    for (const w of [update, create]) expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } })).toMatchObject({ status: "skipped" });
    expect(await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: mirror.shopifyId } } })).toEqual(mirror);
    expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: mirror.erpCustomerNo } } })).toEqual(erpBefore);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(9501) } })).toBe(0);

    // customers/redact for an uninstalled shop still removes the customer's data.
    expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/redact", h.sim.webhookPayload(SHOP, "customers/redact", mirror.shopifyId)))).toBe(200);
    await drain(h);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: mirror.shopifyId } })).toBe(0);
    expect(await db().redaction.count({ where: { shop: SHOP, shopifyCustomerId: mirror.shopifyId } })).toBe(1);
  });
});
