// Ordering and identity of customers/create|update deliveries through the app's real webhook route (spec §3 step 3,
// §10): two versions of one customer stamped with the same second (webhook payloads carry whole seconds), and
// addresses that come without an id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { addressGid, drain, gid, post, removeDb, seCustomer, seedShop, signedWebhook } from "./support";

const SHOP = "reliability-customer-ordering.myshopify.com";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-customer-ordering" });
  await seedShop(h, SHOP, { shopifyCanUpdateCustomers: true });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const db = () => h.app.prisma;
const payload = (topic: string, n: number) => h.sim.webhookPayload(SHOP, topic, gid(n));
async function deliver(topic: string, body: unknown) {
  expect(await post(signedWebhook(h.webhookUrl, SHOP, topic, body))).toBe(200);
  await drain(h);
}
const mirrorOf = (n: number) => db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(n) } } });
async function erpOf(n: number) {
  const m = await mirrorOf(n);
  expect(m.erpCustomerNo).not.toBe("");
  return db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: m.erpCustomerNo } } });
}
const mirrorCities = async (n: number) =>
  (await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(n) }, orderBy: { position: "asc" } })).map((a) => a.city);
const customerReads = () => h.sim.requests(SHOP).byOperation.customer ?? 0;

/** Created at 10:00 (Malmö), then changed twice within 10:05:00 — Uppsala at .100, Kiruna at .900. */
async function twoChangesInOneSecond(n: number, day = "2026-03-01") {
  h.sim.setCustomer(SHOP, seCustomer(n, { city: "Malmö", updatedAt: `${day}T10:00:00Z` }));
  await deliver("customers/create", payload("customers/create", n));
  h.sim.setCustomer(SHOP, seCustomer(n, { city: "Uppsala", updatedAt: `${day}T10:05:00.100Z` }));
  const older = payload("customers/update", n);
  h.sim.setCustomer(SHOP, seCustomer(n, { city: "Kiruna", updatedAt: `${day}T10:05:00.900Z` }));
  const newer = payload("customers/update", n);
  return { older, newer };
}

describe("two versions of a customer within one second", () => {
  it("the simulator prints webhook timestamps in whole seconds, as Shopify's REST payloads do: both versions carry 10:05:00", async () => {
    const { older, newer } = await twoChangesInOneSecond(600);
    expect(older.updated_at).toBe("2026-03-01T10:05:00+00:00");
    expect(newer.updated_at).toBe(older.updated_at);
    expect(older.addresses[0].city).toBe("Uppsala");
    expect(newer.addresses[0].city).toBe("Kiruna");
  });

  it("newer delivered first, older second: the older one does not win — Shopify is read and its current data (Kiruna) stays", async () => {
    const { older, newer } = await twoChangesInOneSecond(601);
    await deliver("customers/update", newer);
    expect((await erpOf(601)).city).toBe("Kiruna");
    await deliver("customers/update", older);
    expect((await erpOf(601)).city).toBe("Kiruna");
    expect(await mirrorCities(601)).toEqual(["Kiruna"]);
    expect(await db().job.count({ where: { shop: SHOP, key: gid(601), status: { not: "done" } } })).toBe(0);
  });

  it("in order (older first, newer second, same second): the newer one is applied", async () => {
    const { older, newer } = await twoChangesInOneSecond(602);
    await deliver("customers/update", older);
    expect((await erpOf(602)).city).toBe("Uppsala");
    await deliver("customers/update", newer);
    expect((await erpOf(602)).city).toBe("Kiruna");
    expect(await mirrorCities(602)).toEqual(["Kiruna"]);
  });

  it("the same second with the same content (a re-sent version) needs no read and changes nothing", async () => {
    const { newer } = await twoChangesInOneSecond(603);
    await deliver("customers/update", newer);
    const before = await mirrorOf(603);
    const reads = customerReads();
    await deliver("customers/update", { ...newer });
    expect(customerReads()).toBe(reads);
    expect(await mirrorOf(603)).toEqual(before);
  });

  it("Shopify cannot be reached at a tie: the stored (newer) data is kept and the job fails to be retried; once Shopify answers, its data is applied", async () => {
    const { older, newer } = await twoChangesInOneSecond(604);
    await deliver("customers/update", newer);
    h.sim.fault(SHOP, { type: "serverError", operation: "customer", times: 1000 });
    try {
      expect(await post(signedWebhook(h.webhookUrl, SHOP, "customers/update", older))).toBe(200);
      // A few attempts, not the whole retry schedule: the queue is run once, then the fault is lifted.
      await h.app.service.jobQueue({ backoffScale: 0.001 }).drain({ includeDelayed: false, timeoutMs: 20_000 });
      expect((await erpOf(604)).city).toBe("Kiruna");
      expect(await mirrorCities(604)).toEqual(["Kiruna"]);
      const job = await db().job.findFirstOrThrow({ where: { shop: SHOP, key: gid(604) }, orderBy: { id: "desc" } });
      expect(job.status).not.toBe("done");
      const log = await db().syncLogEntry.findFirstOrThrow({ where: { shop: SHOP, shopifyCustomerId: gid(604), level: "error" }, orderBy: { id: "desc" } });
      expect(log.message).toMatch(/same second/);
      expect(log.message).not.toMatch(/SQLITE|constraint/i);
    } finally {
      h.sim.clearFaults(SHOP);
    }
    await drain(h);
    expect((await erpOf(604)).city).toBe("Kiruna");
    expect(await db().job.count({ where: { shop: SHOP, key: gid(604), status: { not: "done" } } })).toBe(0);
  });

  it("a mirror written by Sync (GraphQL, with milliseconds) and a webhook of the same second are compared in whole seconds: same content needs no read, other content is read", async () => {
    h.sim.setCustomer(SHOP, seCustomer(605, { city: "Luleå", updatedAt: "2026-03-01T11:00:00.700Z" }));
    await h.app.service.sync.syncCustomers(SHOP, { trigger: "manual", readMode: "paged" });
    const synced = await mirrorOf(605);
    expect(synced.updatedAt?.toISOString()).toBe("2026-03-01T11:00:00.700Z");
    expect((await erpOf(605)).city).toBe("Luleå");

    // Shopify's webhook for the version Sync read: 11:00:00 in whole seconds, not older than the mirror.
    const same = payload("customers/update", 605);
    expect(same.updated_at).toBe("2026-03-01T11:00:00+00:00");
    const reads = customerReads();
    await deliver("customers/update", same);
    expect(customerReads()).toBe(reads);
    expect(await mirrorOf(605)).toEqual(synced);

    // An earlier version of that second (Umeå at 11:00:00.200) delivered late: it is not applied.
    const late = { ...same, addresses: same.addresses.map((a: any) => ({ ...a, city: "Umeå" })), default_address: { ...same.default_address, city: "Umeå" } };
    await deliver("customers/update", late);
    expect(customerReads()).toBe(reads + 1);
    expect((await erpOf(605)).city).toBe("Luleå");
    expect(await mirrorCities(605)).toEqual(["Luleå"]);
  });

  it("Sync customers reads no customer one by one, even where its data and the mirror share a second", async () => {
    // Later than the previous Sync's watermark, so this Sync reads it.
    const { older } = await twoChangesInOneSecond(606, "2031-03-01");
    await deliver("customers/update", older);
    expect((await erpOf(606)).city).toBe("Uppsala");
    h.sim.resetRequests(SHOP);
    await h.app.service.sync.syncCustomers(SHOP, { trigger: "manual", readMode: "paged" });
    expect(customerReads()).toBe(0);
    expect((await erpOf(606)).city).toBe("Kiruna");
  });
});

describe("addresses without an id", () => {
  function withoutIds(body: any) {
    const strip = ({ id: _id, ...a }: any) => a;
    return { ...body, addresses: body.addresses.map(strip), ...(body.default_address ? { default_address: strip(body.default_address) } : {}) };
  }
  function twoAddresses(n: number, first = "Stora Torget 1") {
    const c = seCustomer(n, { address1: first, city: "Visby" });
    return { ...c, addresses: [c.addresses[0], { id: addressGid(n + 50_000), firstName: "Lager", lastName: "Gotland", address1: "Hamnplan 3", zip: "621 57", city: "Slite", countryCodeV2: "SE" }] };
  }

  it("customers/create with two addresses without id: the customer is mirrored with both addresses and its ERP customer is created from the default one", async () => {
    h.sim.setCustomer(SHOP, twoAddresses(610));
    const body = withoutIds(payload("customers/create", 610));
    expect(body.addresses.map((a: any) => a.id)).toEqual([undefined, undefined]);
    await deliver("customers/create", body);

    const mirror = await mirrorOf(610);
    expect(await mirrorCities(610)).toEqual(["Visby", "Slite"]);
    const erp = await erpOf(610);
    expect(erp).toMatchObject({ address: "Stora Torget 1", city: "Visby", email: "kund610@example.test" });
    const addresses = await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(610) }, orderBy: { position: "asc" } });
    expect(addresses.filter((a) => a.isDefault).map((a) => a.city)).toEqual(["Visby"]);
    expect(mirror.defaultAddressId).toBe(addresses[0].shopifyId);
    expect(new Set(addresses.map((a) => a.shopifyId)).size).toBe(2);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, message: { contains: "SQLITE" } } })).toBe(0);
  });

  it("the same payload again changes nothing (the keys are stable), and a later payload with Shopify's ids replaces the keyless addresses", async () => {
    const body = withoutIds(payload("customers/create", 610));
    const before = await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(610) }, orderBy: { position: "asc" } });
    await deliver("customers/update", body);
    expect(await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(610) }, orderBy: { position: "asc" } })).toEqual(before);

    const c = twoAddresses(610, "Stora Torget 2");
    const later = new Date((await mirrorOf(610)).updatedAt!.getTime() + 60_000).toISOString();
    h.sim.setCustomer(SHOP, { ...c, updatedAt: later });
    await deliver("customers/update", payload("customers/update", 610));
    const after = await db().mirrorAddress.findMany({ where: { shop: SHOP, customerShopifyId: gid(610) }, orderBy: { position: "asc" } });
    expect(after.map((a) => [a.shopifyId, a.city])).toEqual([[addressGid(610), "Visby"], [addressGid(50_610), "Slite"]]);
    expect((await erpOf(610)).address).toBe("Stora Torget 2");
  });

  it("an ERP change pushed to Shopify (canUpdateShopifyCustomers) updates the customer's own address, found in Shopify, instead of sending the keyless key", async () => {
    h.sim.setCustomer(SHOP, seCustomer(613, { city: "Mora" }));
    await deliver("customers/create", withoutIds(payload("customers/create", 613)));
    const erp = await erpOf(613);
    await db().erpCustomer.update({ where: { shop_no: { shop: SHOP, no: erp.no } }, data: { city: "Rättvik" } });
    const { loadContext } = await import("../../app/sync/context");
    const { pushLinkedChanges } = await import("../../app/sync/export");
    await db().shopSettings.update({ where: { shop: SHOP }, data: { canUpdateShopifyCustomers: true, shopifyCanUpdateCustomers: false } });
    try {
      const ctx = await loadContext(db(), SHOP, await h.app.service.gatewayFor(SHOP), null);
      await pushLinkedChanges(ctx);
      await ctx.log.flush();
      const inShopify = h.sim.customers(SHOP).find((c: any) => c.id === gid(613))!;
      expect(inShopify.addresses.map((a: any) => [a.id, a.city])).toEqual([[addressGid(613), "Rättvik"]]);
      const log = await db().syncLogEntry.findMany({ where: { shop: SHOP, erpCustomerNo: erp.no, runId: null } });
      expect(log.map((l) => l.code)).toEqual(["updated"]);
    } finally {
      await db().shopSettings.update({ where: { shop: SHOP }, data: { canUpdateShopifyCustomers: false, shopifyCanUpdateCustomers: true } });
    }
  });

  it("two customers, each with an address without id, are both mirrored and created", async () => {
    h.sim.setCustomer(SHOP, seCustomer(611, { city: "Falun" }));
    h.sim.setCustomer(SHOP, seCustomer(612, { city: "Borlänge" }));
    await deliver("customers/create", withoutIds(payload("customers/create", 611)));
    await deliver("customers/create", withoutIds(payload("customers/create", 612)));
    expect((await erpOf(611)).city).toBe("Falun");
    expect((await erpOf(612)).city).toBe("Borlänge");
    expect(await mirrorCities(611)).toEqual(["Falun"]);
    expect(await mirrorCities(612)).toEqual(["Borlänge"]);
  });
});
