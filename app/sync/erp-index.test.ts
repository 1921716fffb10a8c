// The ERP index keeps numbers and matching keys; full records are read per page (or on their own) and changes made
// during a page are seen by the rest of the page. Updates from Shopify (shopifyCanUpdateCustomers) are what read them.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../tests/support/app-harness";
import { blankCustomer, type ShopifyCustomer } from "../shopify/types";
import { loadContext } from "./context";
import { processPage } from "./import";

const SHOP = "erp-index.myshopify.com";
const gid = (n: number) => `gid://shopify/Customer/${n}`;
const customer = (n: number, o: Partial<ShopifyCustomer>) => blankCustomer({ id: gid(n), ...o });

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ name: "erp-index" });
  const db = h.app.prisma;
  await h.app.settings.saveSettings(db, SHOP, {
    ...h.app.settings.DEFAULT_SETTINGS,
    customerImport: "allCustomers",
    customerMappingType: "byEmailPhone",
    shopifyCanUpdateCustomers: true,
    autoCreateUnknownCustomers: true,
    createCustomersWithoutAddress: true,
    customerTemplateCode: "RETAIL",
  });
  await db.companyInformation.create({ data: { shop: SHOP, name: "Fjällbacka Sjöbod AB", countryCode: "SE" } });
  await db.erpCountry.create({ data: { shop: SHOP, code: "SE", isoCode: "SE", name: "Sweden" } });
  await db.customerTemplate.create({ data: { shop: SHOP, code: "RETAIL", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "30D" } });
  await db.numberSeries.create({ data: { shop: SHOP, prefix: "C", next: 90001, width: 5 } });
  for (const c of [
    { no: "C10001", name: "Anna Ek", email: "anna@example.test", countryCode: "SE", city: "Lund" },
    { no: "C10003", name: "Berit Al", email: "berit@example.test", countryCode: "SE" },
    { no: "C10005", name: "Cecilia Ros", phoneNo: "070-111 22 33", countryCode: "SE" },
  ]) {
    await h.app.master.setErpCustomer(db, SHOP, c);
  }
});
afterAll(async () => {
  await h?.close();
  for (const suffix of ["", "-journal", "-wal", "-shm"]) if (h) rmSync(h.dbFile + suffix, { force: true });
});

const erp = (no: string) => h.app.prisma.erpCustomer.findUnique({ where: { shop_no: { shop: SHOP, no } } });
const linkOf = async (n: number) => (await h.app.prisma.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(n) } } }))?.erpCustomerNo;

describe("ERP records during a Sync", () => {
  it("a later customer of the same page updates the record as the earlier one left it, and a new customer is found by the next", async () => {
    const ctx = await loadContext(h.app.prisma, SHOP, null);
    await processPage(
      ctx,
      [
        customer(1, { firstName: "Anna", lastName: "Ekström", email: "anna@example.test" }),
        customer(2, { firstName: "Anna", lastName: "Ekström-Berg", email: "ANNA@example.test", phone: "+46 70 999 88 77" }),
        customer(3, { firstName: "Nils", lastName: "Ny", email: "nils@example.test" }),
        customer(4, { firstName: "Nils", lastName: "Nyman", email: "nils@example.test" }),
      ],
      { purpose: "sync" },
    );
    expect(ctx.counts).toMatchObject({ read: 4, created: 1, linked: 3, updated: 3, failed: 0 });
    // Both updates landed on C10001: the second one's name, and its phone on top of the first one's changes.
    expect(await erp("C10001")).toMatchObject({ name: "Anna Ekström-Berg", phoneNo: "+46 70 999 88 77", city: "Lund" });
    expect(await linkOf(1)).toBe("C10001");
    expect(await linkOf(2)).toBe("C10001");
    // The customer created for Shopify customer 3 was matched (and updated) by customer 4 in the same page.
    expect(await linkOf(3)).toBe("C90001");
    expect(await linkOf(4)).toBe("C90001");
    expect(await erp("C90001")).toMatchObject({ name: "Nils Nyman", email: "nils@example.test" });
    // After the page the records are read back from the database.
    expect(await ctx.erp.get("C90001")).toMatchObject({ name: "Nils Nyman" });
    expect(await h.app.prisma.erpCustomer.count({ where: { shop: SHOP } })).toBe(4);
  });

  it("a customer matching, by phone, a record the page did not expect to need gets it read on its own", async () => {
    // Shopify customer 5 links to C10003 by email first.
    let ctx = await loadContext(h.app.prisma, SHOP, null);
    await processPage(ctx, [customer(5, { firstName: "Berit", lastName: "Al", email: "berit@example.test" })], { purpose: "sync" });
    expect(await linkOf(5)).toBe("C10003");
    // Then, in one page: customer 5 takes another email (C10003 follows it), so customer 6 — whose email matched
    // C10003 when the page began — finds no email and is matched by phone to C10005 instead.
    ctx = await loadContext(h.app.prisma, SHOP, null);
    await processPage(
      ctx,
      [
        customer(5, { firstName: "Berit", lastName: "Al", email: "berit.al@example.test" }),
        customer(6, { firstName: "Cecilia", lastName: "Ros", email: "berit@example.test", phone: "+46701112233" }),
      ],
      { purpose: "sync" },
    );
    expect(ctx.counts).toMatchObject({ read: 2, created: 0, failed: 0 });
    expect(await erp("C10003")).toMatchObject({ email: "berit.al@example.test" });
    expect(await linkOf(6)).toBe("C10005");
    expect(await erp("C10005")).toMatchObject({ email: "berit@example.test", phoneNo: "+46701112233" });
  });
});
