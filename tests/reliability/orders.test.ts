// Orders (spec §8) through the app's real entry points: orders/create deliveries POSTed to the webhook path and
// processed by the job queue, "Import orders" (the catch-up for missed deliveries) reading the simulator, and the
// hand-picked customer of the orders page. Asserted on the stored order: status, ERP customer numbers, reason,
// `manual`, and on the catch-up's run (read counter, status) and the shop's order watermark.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { drain, post, removeDb, seedShop, signedWebhook } from "./support";

let h: Harness;
const db = () => h.app.prisma;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-orders" });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const orderGid = (n: number) => `gid://shopify/Order/${n}`;
/** Whole seconds: webhook payloads carry seconds only. */
const T0 = Math.floor(Date.now() / 1000) * 1000;
const at = (msFromT0: number) => new Date(T0 + msFromT0).toISOString();
const MIN = 60_000;

const address = (o: { first?: string; last?: string; city?: string } = {}) => ({
  firstName: o.first ?? "Gäst",
  lastName: o.last ?? "Kund",
  address1: "Storgatan 1",
  zip: "211 22",
  city: o.city ?? "Malmö",
  countryCodeV2: "SE",
});

/** A guest order (no Shopify customer) in the simulator. */
function guestOrder(shop: string, n: number, o: { email: string; updatedAt?: string; city?: string }) {
  return h.sim.setOrder(shop, {
    id: orderGid(n),
    name: `#${n}`,
    email: o.email,
    createdAt: at(-4 * 60 * MIN),
    ...(o.updatedAt ? { updatedAt: o.updatedAt } : {}),
    billingAddress: address(),
    shippingAddress: address({ city: o.city }),
  });
}

async function erpCustomer(shop: string, no: string, email: string) {
  await h.app.master.setErpCustomer(db(), shop, { no, name: `Kund ${no}`, email, address: "Kundvägen 1", postCode: "111 22", city: "Stockholm", countryCode: "SE" });
}

/** An orders/create delivery POSTed to the app's webhook path (new webhook id each time), then the queue drained. */
async function deliverOrder(shop: string, payload: unknown) {
  const w = signedWebhook(h.webhookUrl, shop, "orders/create", payload);
  expect(await post(w)).toBe(200);
  await drain(h);
  expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId: w.webhookId } })).toMatchObject({ status: "processed" });
  return w;
}

const storedOrder = (shop: string, n: number) => db().importedOrder.findUniqueOrThrow({ where: { shop_shopifyId: { shop, shopifyId: orderGid(n) } } });
const resolution = async (shop: string, n: number) => {
  const o = await storedOrder(shop, n);
  return { status: o.status, sellToCustomerNo: o.sellToCustomerNo, billToCustomerNo: o.billToCustomerNo, manual: o.manual, reason: o.reason };
};
const watermark = async (shop: string) => (await db().shopSettings.findUniqueOrThrow({ where: { shop } })).orderWatermark;
const runStartedAt = async (runId: number) => (await db().syncRun.findUniqueOrThrow({ where: { id: runId } })).startedAt;
const importOrders = (shop: string) => h.app.service.sync.importOrders(shop, "manual");

const HAND_PICKED = { status: "mapped", sellToCustomerNo: "K1001", billToCustomerNo: "K1001", manual: true, reason: "Customer chosen by hand." };

describe("a customer chosen by hand on an order is never overwritten", () => {
  const SHOP = "reliability-orders-manual.myshopify.com";

  it("needsCustomer → picked by hand (K1001); a re-delivery of orders/create under a new webhook id and an Import orders run that reads a newer version keep K1001, manual — while automatic matching would now say K2002", async () => {
    await seedShop(h, SHOP); // no default customer
    await erpCustomer(SHOP, "K1001", "inkop@handvald.example.test");
    guestOrder(SHOP, 8101, { email: "gast@example.test", updatedAt: at(-20 * MIN) });
    const firstDelivery = h.sim.webhookPayload(SHOP, "orders/create", orderGid(8101));

    // The order arrives: a guest whose email matches no ERP customer, and the shop has no default customer.
    const w1 = await deliverOrder(SHOP, firstDelivery);
    expect(await resolution(SHOP, 8101)).toEqual({
      status: "needsCustomer", sellToCustomerNo: "", billToCustomerNo: "", manual: false,
      reason: "Guest order: its email and phone match no ERP customer, and the shop has no default customer.",
    });
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, code: "noDefaultCustomer", message: { contains: "#8101" } } })).toBe(1);

    // The merchant picks K1001 on the orders page (its action calls sync.assignOrderCustomer).
    await h.app.service.sync.assignOrderCustomer(SHOP, orderGid(8101), "K1001");
    expect(await resolution(SHOP, 8101)).toEqual(HAND_PICKED);

    // Later an ERP customer with the order's email appears: automatic resolution would now choose K2002.
    await erpCustomer(SHOP, "K2002", "gast@example.test");

    // Shopify delivers orders/create again (same order, a new webhook id): processed, and the choice stays.
    const w2 = await deliverOrder(SHOP, firstDelivery);
    expect(w2.webhookId).not.toBe(w1.webhookId);
    expect(await resolution(SHOP, 8101)).toEqual(HAND_PICKED);

    // The order is edited in Shopify (new ship-to city, newer updatedAt); a second guest order with the same email
    // is placed. Import orders reads both: the edit is stored, the hand-picked customer stays; the other order,
    // which nobody picked a customer for, goes to K2002 — what automatic matching says today.
    guestOrder(SHOP, 8101, { email: "gast@example.test", updatedAt: at(-1 * MIN), city: "Lund" });
    guestOrder(SHOP, 8102, { email: "gast@example.test", updatedAt: at(-1 * MIN) });
    const run = await importOrders(SHOP);
    expect(run).toMatchObject({ status: "succeeded", counts: { read: 2, failed: 0 } });
    expect(await resolution(SHOP, 8101)).toEqual(HAND_PICKED);
    const edited = await storedOrder(SHOP, 8101);
    expect(JSON.parse(edited.shipTo).city).toBe("Lund");
    expect(edited.orderUpdatedAt?.toISOString()).toBe(at(-1 * MIN));
    expect(await resolution(SHOP, 8102)).toEqual({
      status: "mapped", sellToCustomerNo: "K2002", billToCustomerNo: "K2002", manual: false,
      reason: "Guest order matched ERP customer K2002 by email.",
    });
  });
});

describe("Import orders reads the orders updated since its watermark, minus the 5-minute overlap", () => {
  const SHOP = "reliability-orders-catchup.myshopify.com";

  it("first run reads every order; the second reads only the one updated inside the overlap and the one placed since, not the older ones", async () => {
    await seedShop(h, SHOP);
    for (const n of [201, 202, 203, 204, 205]) await erpCustomer(SHOP, `E${n}`, `kund${n}@example.test`);
    guestOrder(SHOP, 8201, { email: "kund201@example.test", updatedAt: at(-3 * 60 * MIN) });
    guestOrder(SHOP, 8202, { email: "kund202@example.test", updatedAt: at(-2 * 60 * MIN) });
    guestOrder(SHOP, 8203, { email: "kund203@example.test", updatedAt: at(-2 * MIN) }); // inside the next run's overlap

    const first = await importOrders(SHOP);
    expect(first).toMatchObject({ status: "succeeded", counts: { read: 3, failed: 0 } });
    for (const n of [201, 202, 203]) expect((await storedOrder(SHOP, 8000 + n)).sellToCustomerNo).toBe(`E${n}`);
    const w1 = await watermark(SHOP);
    expect(w1?.toISOString()).toBe((await runStartedAt(first.runId)).toISOString());

    // To see which orders the second run reads: 8201 and 8203 get another email in the simulator with their
    // updatedAt left as it was (an order that is read again is stored with its current email, hence E205).
    guestOrder(SHOP, 8201, { email: "kund205@example.test", updatedAt: at(-3 * 60 * MIN) });
    guestOrder(SHOP, 8203, { email: "kund205@example.test", updatedAt: at(-2 * MIN) });
    // A new order placed after the first run (updatedAt: now).
    guestOrder(SHOP, 8204, { email: "kund204@example.test" });

    const second = await importOrders(SHOP);
    expect(second).toMatchObject({ status: "succeeded", counts: { read: 2, failed: 0 } });
    expect((await storedOrder(SHOP, 8201)).sellToCustomerNo).toBe("E201"); // older than the watermark: not read
    expect((await storedOrder(SHOP, 8202)).sellToCustomerNo).toBe("E202"); // older than the watermark: not read
    expect((await storedOrder(SHOP, 8203)).sellToCustomerNo).toBe("E205"); // within 5 minutes of it: read again
    expect(await resolution(SHOP, 8204)).toEqual({
      status: "mapped", sellToCustomerNo: "E204", billToCustomerNo: "E204", manual: false, reason: "Guest order matched ERP customer E204 by email.",
    });
    const w2 = await watermark(SHOP);
    expect(w2?.toISOString()).toBe((await runStartedAt(second.runId)).toISOString());
    expect(w2!.getTime()).toBeGreaterThan(w1!.getTime());
  });

  it("an import that fails (Shopify answers 503 until the gateway gives up) leaves the watermark where it was; the next run imports the order it missed", async () => {
    const FAILING = "reliability-orders-catchup-503.myshopify.com";
    await seedShop(h, FAILING);
    await erpCustomer(FAILING, "E301", "kund301@example.test");
    await erpCustomer(FAILING, "E302", "kund302@example.test");
    // The last import ran an hour ago; since then one order was placed (30 minutes ago). One from before stays unread.
    const lastImport = new Date(T0 - 60 * MIN);
    await db().shopSettings.update({ where: { shop: FAILING }, data: { orderWatermark: lastImport } });
    guestOrder(FAILING, 8301, { email: "kund301@example.test", updatedAt: at(-2 * 60 * MIN) });
    guestOrder(FAILING, 8302, { email: "kund302@example.test", updatedAt: at(-30 * MIN) });

    // Every attempt of the gateway (5) gets a 503: the run fails as a whole.
    h.sim.fault(FAILING, { type: "serverError", operation: "orders", times: 5 });
    try {
      const failed = await importOrders(FAILING);
      expect(failed.status).toBe("failed");
      expect(failed.message).toMatch(/Shopify did not answer after 5 attempts/);
      expect(await db().syncLogEntry.count({ where: { shop: FAILING, runId: failed.runId, code: "apiError" } })).toBe(1);
    } finally {
      h.sim.clearFaults(FAILING);
    }
    expect((await watermark(FAILING))?.toISOString()).toBe(lastImport.toISOString());
    expect(await db().importedOrder.count({ where: { shop: FAILING } })).toBe(0);

    // The next run reads from the same watermark: the missed order (30 minutes old, long before the failed run's
    // start minus the overlap) is imported; the one from before the last import is still not read.
    const next = await importOrders(FAILING);
    expect(next).toMatchObject({ status: "succeeded", counts: { read: 1, failed: 0 } });
    expect(await resolution(FAILING, 8302)).toEqual({
      status: "mapped", sellToCustomerNo: "E302", billToCustomerNo: "E302", manual: false, reason: "Guest order matched ERP customer E302 by email.",
    });
    expect(await db().importedOrder.count({ where: { shop: FAILING } })).toBe(1);
    expect((await watermark(FAILING))?.toISOString()).toBe((await runStartedAt(next.runId)).toISOString());
  });
});

describe("an older copy of an order delivered after a newer one", () => {
  const SHOP = "reliability-orders-stale.myshopify.com";

  it("orders/create with the order as it was at creation, arriving after Import orders stored the edited order, changes nothing: the newer email and its customer S402 stay", async () => {
    await seedShop(h, SHOP);
    await erpCustomer(SHOP, "S401", "gammal@example.test");
    await erpCustomer(SHOP, "S402", "ny@example.test");
    // Placed 20 minutes ago with the old email; orders/create is not delivered yet (Shopify retries it later).
    guestOrder(SHOP, 8401, { email: "gammal@example.test", updatedAt: at(-20 * MIN) });
    const lateDelivery = h.sim.webhookPayload(SHOP, "orders/create", orderGid(8401));
    // Ten minutes ago the order's email was corrected; Import orders reads that version.
    guestOrder(SHOP, 8401, { email: "ny@example.test", updatedAt: at(-10 * MIN) });
    expect(await importOrders(SHOP)).toMatchObject({ status: "succeeded", counts: { read: 1 } });
    const newer = { status: "mapped", sellToCustomerNo: "S402", billToCustomerNo: "S402", manual: false, reason: "Guest order matched ERP customer S402 by email." };
    expect(await resolution(SHOP, 8401)).toEqual(newer);

    // The late orders/create (the order as it was 20 minutes ago) is accepted and processed, and stores nothing older.
    await deliverOrder(SHOP, lateDelivery);
    expect(await resolution(SHOP, 8401)).toEqual(newer);
    const stored = await storedOrder(SHOP, 8401);
    expect(stored.email).toBe("ny@example.test");
    expect(stored.orderUpdatedAt?.toISOString()).toBe(at(-10 * MIN));

    // The same version delivered again is not older: it is processed as before (same result).
    await deliverOrder(SHOP, h.sim.webhookPayload(SHOP, "orders/create", orderGid(8401)));
    expect(await resolution(SHOP, 8401)).toEqual(newer);
  });
});
