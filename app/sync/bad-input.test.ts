// Bad input through the whole engine: nulls, 10 kB strings, emoji / right-to-left / combining text, an unknown ISO
// country, a province missing from the tax areas, two ERP customers with one email, a multi-address ERP email field.
// Nothing may crash; every customer ends with its own log code (spec §3 step 6, §9).
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../tests/support/app-harness";
import type { ShopifyAddress, ShopifyCustomer } from "../shopify/types";
import { loadContext } from "./context";
import { processPage } from "./import";

const SHOP = "bad-input.myshopify.com";
const PAGE_SHOP = "bad-input-page.myshopify.com";
const gid = (n: number) => `gid://shopify/Customer/${n}`;
const BIG = 10_240;

let h: Harness;

async function seedErp(shop: string, settings: Record<string, unknown>) {
  const db = h.app.prisma;
  await h.app.settings.saveSettings(db, shop, {
    ...h.app.settings.DEFAULT_SETTINGS,
    customerImport: "allCustomers",
    customerMappingType: "byEmailPhone",
    autoCreateUnknownCustomers: true,
    customerTemplateCode: "RETAIL",
    ...settings,
  });
  await db.companyInformation.create({ data: { shop, name: "Fjällbacka Sjöbod AB", countryCode: "SE" } });
  for (const [code, isoCode] of [["SE", "SE"], ["CA", "CA"], ["EL", "GR"]]) await db.erpCountry.create({ data: { shop, code, isoCode, name: code } });
  await db.customerTemplate.create({ data: { shop, code: "RETAIL", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "30D", taxAreaCode: "TEMPLATE" } });
  await db.taxArea.create({ data: { shop, countryCode: "CA", county: "Ontario", countyCode: "ON", taxAreaCode: "CA-ON", taxLiable: true, vatBusPostingGroup: "CA-HST" } });
  await db.numberSeries.create({ data: { shop, prefix: "C", next: 90001, width: 5 } });
  for (const c of [
    { no: "C10004", name: "Delad 2", email: "shared@example.test" },
    { no: "C10003", name: "Delad 1", email: "shared@example.test" },
    { no: "C10002", name: "Brattås Bygg AB", email: "faktura@brattas.example.test; per.brattas@example.test" },
  ]) {
    await h.app.master.setErpCustomer(db, shop, c);
  }
}

async function logByCustomer(shop: string) {
  const rows = await h.app.prisma.syncLogEntry.findMany({ where: { shop }, orderBy: { id: "asc" } });
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.shopifyCustomerId, [...(out.get(r.shopifyCustomerId) ?? []), r.code]);
  return { rows, out };
}

beforeAll(async () => {
  h = await startHarness({ name: "bad-input" });
  await h.addSession(SHOP);
});
afterAll(async () => {
  await h?.close();
  for (const suffix of ["", "-journal", "-wal", "-shm"]) if (h) rmSync(h.dbFile + suffix, { force: true });
});

describe("Sync customers with bad input from Shopify", () => {
  const seAddress = (id: number, o: Record<string, unknown> = {}) => ({
    id: `gid://shopify/MailingAddress/${id}`,
    firstName: "Ingrid",
    lastName: "Dahl",
    address1: "Norra Hamngatan 4",
    zip: "411 06",
    city: "Göteborg",
    countryCodeV2: "SE",
    country: "Sweden",
    ...o,
  });

  it("processes every customer on its own, and gives each its log code", async () => {
    await seedErp(SHOP, {});
    const sim = h.sim;
    const big = (ch: string) => ch.repeat(BIG);
    const customers = [
      { id: gid(3001), firstName: null, lastName: null, defaultEmailAddress: null, defaultPhoneNumber: null, addresses: [] },
      { id: gid(3002), firstName: null, lastName: null, defaultEmailAddress: { emailAddress: "nameless@example.test" }, addresses: [seAddress(7002, { firstName: null, lastName: null })] },
      { id: gid(3003), firstName: "Nils", lastName: "Holm", defaultEmailAddress: { emailAddress: "nils@example.test" }, addresses: [{ id: "gid://shopify/MailingAddress/7003" }] },
      {
        id: gid(3004),
        firstName: big("F"),
        lastName: big("L"),
        defaultEmailAddress: { emailAddress: "big@example.test" },
        addresses: [seAddress(7004, { company: big("C"), firstName: big("f"), lastName: big("l"), address1: big("A"), address2: big("B"), city: big("Å"), zip: big("9"), phone: big("5") })],
      },
      { id: gid(3005), firstName: "Zoe\u0308 🎉", lastName: "حداد", defaultEmailAddress: { emailAddress: "zoe@example.test" }, addresses: [seAddress(7005, { firstName: "Zoe\u0308 🎉", lastName: "حداد", address1: "רחוב הרצל 10", city: "תל אביב" })] },
      { id: gid(3006), firstName: "Arta", lastName: "Krasniqi", defaultEmailAddress: { emailAddress: "arta@example.test" }, addresses: [seAddress(7006, { firstName: "Arta", lastName: "Krasniqi", countryCodeV2: "XK", country: "Kosovo" })] },
      { id: gid(3007), firstName: "Léa", lastName: "Tremblay", defaultEmailAddress: { emailAddress: "lea@example.test" }, addresses: [seAddress(7007, { firstName: "Léa", lastName: "Tremblay", countryCodeV2: "CA", country: "Canada", provinceCode: "QC", province: "Quebec" })] },
      { id: gid(3008), firstName: "Tom", lastName: "Smith", defaultEmailAddress: { emailAddress: "tom@example.test" }, addresses: [seAddress(7008, { firstName: "Tom", lastName: "Smith", countryCodeV2: "CA", country: "Canada", provinceCode: "ON", province: "Ontario" })] },
      { id: gid(3009), firstName: "Delad", lastName: "Kund", defaultEmailAddress: { emailAddress: "Shared@Example.test" }, addresses: [seAddress(7009)] },
      { id: gid(3010), firstName: "Per", lastName: "Brattås", defaultEmailAddress: { emailAddress: "PER.BRATTAS@example.test" }, addresses: [seAddress(7010)] },
      { id: gid(3011), firstName: "Pos", lastName: "Ett", defaultEmailAddress: null, addresses: [seAddress(7011, { firstName: "Pos", lastName: "Ett", phone: "031-123 45 67" })] },
      { id: gid(3012), firstName: "Pos", lastName: "Två", defaultEmailAddress: null, addresses: [seAddress(7012, { firstName: "Pos", lastName: "Två", phone: "+46 31 123 45 67" })] },
    ];
    customers.forEach((c, i) => sim.setCustomer(SHOP, { ...c, updatedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));

    const summary = await h.app.service.sync.syncCustomers(SHOP, { trigger: "manual" });
    expect(summary.status).toBe("succeeded");
    expect(summary.counts).toMatchObject({ read: 12, created: 8, linked: 3, skipped: 1, failed: 0 });

    const { rows, out } = await logByCustomer(SHOP);
    expect(rows.filter((r) => r.level === "error")).toEqual([]);
    expect(out.get(gid(3001))).toEqual(["noAddress"]);
    expect(out.get(gid(3002))).toEqual(["created"]);
    expect(out.get(gid(3003))).toEqual(["created"]);
    expect(out.get(gid(3004))).toContain("created");
    expect(out.get(gid(3004))).toContain("truncated");
    expect(out.get(gid(3005))).toEqual(["created"]);
    expect(out.get(gid(3006))).toEqual(["unknownCountry", "created"]);
    expect(out.get(gid(3007))).toEqual(["created"]);
    expect(out.get(gid(3008))).toEqual(["created"]);
    expect(out.get(gid(3009))).toEqual(["linked", "ambiguousMatch"]);
    expect(rows.find((r) => r.code === "ambiguousMatch")?.message).toContain("C10004");
    expect(out.get(gid(3010))).toEqual(["linked"]);
    expect(out.get(gid(3011))).toEqual(["created"]);
    expect(out.get(gid(3012))).toEqual(["linked"]);

    const db = h.app.prisma;
    const mirrors = new Map((await db.mirrorCustomer.findMany({ where: { shop: SHOP } })).map((m) => [m.shopifyId, m]));
    expect(mirrors.size).toBe(12);
    const erpOf = async (n: number) => {
      const no = mirrors.get(gid(n))!.erpCustomerNo;
      return no ? db.erpCustomer.findUnique({ where: { shop_no: { shop: SHOP, no } } }) : null;
    };
    expect(mirrors.get(gid(3001))!.erpCustomerNo).toBe("");
    expect((await erpOf(3002))!.name).toBe("nameless@example.test");
    expect(await erpOf(3003)).toMatchObject({ name: "Nils Holm", countryCode: "", templateCode: "RETAIL" });
    const bigOne = (await erpOf(3004))!;
    expect([...bigOne.name].length).toBe(100);
    expect(bigOne.address).toBe("A".repeat(100));
    expect(bigOne.address2).toBe("B".repeat(50));
    expect([...bigOne.city].length).toBe(30);
    expect(bigOne.phoneNo).toBe("5".repeat(30));
    expect(await erpOf(3005)).toMatchObject({ name: "Zoë 🎉 حداد", address: "רחוב הרצל 10", city: "תל אביב" });
    expect((await erpOf(3006))!.countryCode).toBe("XK");
    // A province missing from the tax areas keeps the template's tax area; one in the table overrides it.
    expect(await erpOf(3007)).toMatchObject({ county: "QC", taxAreaCode: "TEMPLATE", vatBusPostingGroup: "DOMESTIC" });
    expect(await erpOf(3008)).toMatchObject({ county: "ON", taxAreaCode: "CA-ON", taxLiable: true, vatBusPostingGroup: "CA-HST" });
    expect(mirrors.get(gid(3009))!.erpCustomerNo).toBe("C10003");
    expect(mirrors.get(gid(3010))!.erpCustomerNo).toBe("C10002");
    // Matching sees the ERP customer created earlier in the same run: one ERP customer for the shared phone.
    expect(mirrors.get(gid(3012))!.erpCustomerNo).toBe(mirrors.get(gid(3011))!.erpCustomerNo);
    expect(await db.erpCustomer.count({ where: { shop: SHOP } })).toBe(3 + 8);

    // A second run reads nothing new and changes nothing.
    const again = await h.app.service.sync.syncCustomers(SHOP, { trigger: "manual" });
    expect(again.status).toBe("succeeded");
    expect(again.counts).toMatchObject({ created: 0, linked: 0, failed: 0 });
  });
});

describe("processPage with raw bad values (past the adapters)", () => {
  beforeAll(async () => {
    await seedErp(PAGE_SHOP, { createCustomersWithoutAddress: true });
  });
  const base = (n: number, o: Partial<ShopifyCustomer> = {}): ShopifyCustomer => ({
    id: gid(n), firstName: "", lastName: "", email: "", phone: "", state: "", note: "", tags: [], taxExempt: false, verifiedEmail: false,
    emailMarketingState: "", createdAt: null, updatedAt: null, addresses: [], addressesComplete: true, defaultAddressId: null, ...o,
  });
  const blankAddress = (id: string) => ({ ...Object.fromEntries(["company", "firstName", "lastName", "address1", "address2", "zip", "city", "countryCode", "countryName", "provinceCode", "provinceName", "phone"].map((k) => [k, ""])), id }) as unknown as ShopifyAddress;

  it("creates customers without address in the company's country when asked, from empty and invisible values", async () => {
    const ctx = await loadContext(h.app.prisma, PAGE_SHOP, null);
    const blank = blankAddress("gid://shopify/MailingAddress/8002");
    const page = [
      base(4001, { addresses: null, defaultAddressId: undefined }),
      base(4002, { addresses: [blank], defaultAddressId: blank.id }),
      base(4003, { email: "  ", phone: " \u200B " }),
      base(4004, { firstName: "\u200B", lastName: "\u200E", email: "shared@example.test" }),
      // Past the adapters' contract (they never give null strings): isolated as `internal`, the others go on.
      { ...base(4005), email: null, tags: null } as unknown as ShopifyCustomer,
      base(4006, { firstName: "Sista", lastName: "Kunden" }),
    ];
    await processPage(ctx, page, { purpose: "sync" });
    await ctx.log.flush();
    expect(ctx.counts).toMatchObject({ read: 6, created: 4, linked: 1, failed: 1 });
    const { out } = await logByCustomer(PAGE_SHOP);
    expect(out.get(gid(4001))).toEqual(["created"]);
    expect(out.get(gid(4002))).toEqual(["created"]);
    expect(out.get(gid(4003))).toEqual(["created"]);
    expect(out.get(gid(4004))).toEqual(["linked", "ambiguousMatch"]);
    expect(out.get(gid(4005))).toEqual(["internal"]);
    expect(out.get(gid(4006))).toEqual(["created"]);
    const erp = await h.app.prisma.erpCustomer.findMany({ where: { shop: PAGE_SHOP, no: { startsWith: "C9" } }, orderBy: { no: "asc" } });
    expect(erp.filter((c) => c.name !== "n/a").map((c) => [c.name, c.countryCode]).slice(0, 4)).toEqual([
      ["Shopify customer 4001", "SE"],
      ["Shopify customer 4002", ""],
      ["Shopify customer 4003", "SE"],
      ["Sista Kunden", "SE"],
    ]);
  });

  // Spec §6: "A phone with no digit is no phone" — and the never-empty name chain then ends at the id.
  it("an address phone of 'n/a' is no phone: a customer without name or email is named after its Shopify id", async () => {
    const ctx = await loadContext(h.app.prisma, PAGE_SHOP, null);
    const address = { ...blankAddress("gid://shopify/MailingAddress/8010"), countryCode: "SE", city: "Lund", phone: "n/a" };
    await processPage(ctx, [base(4010, { addresses: [address], defaultAddressId: address.id })], { purpose: "sync" });
    const m = await h.app.prisma.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: PAGE_SHOP, shopifyId: gid(4010) } } });
    const c = await h.app.prisma.erpCustomer.findUnique({ where: { shop_no: { shop: PAGE_SHOP, no: m!.erpCustomerNo } } });
    expect(c).toMatchObject({ name: "Shopify customer 4010", phoneNo: "" });
  });

  describe("templates by country", () => {
    const TEMPLATE_SHOP = "bad-input-template.myshopify.com";
    beforeAll(async () => {
      await seedErp(TEMPLATE_SHOP, { createCustomersWithoutAddress: true });
      const db = h.app.prisma;
      await db.customerTemplate.create({ data: { shop: TEMPLATE_SHOP, code: "SEPRIV", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "PRIVATE", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "14D" } });
      await db.countrySetup.create({ data: { shop: TEMPLATE_SHOP, countryCode: "SE", customerTemplateCode: "SEPRIV" } });
    });
    const templateOf = async (n: number) => {
      const db = h.app.prisma;
      const m = await db.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: TEMPLATE_SHOP, shopifyId: gid(n) } } });
      return (await db.erpCustomer.findUnique({ where: { shop_no: { shop: TEMPLATE_SHOP, no: m!.erpCustomerNo } } }))?.templateCode;
    };

    it("an address in a country with a setup row takes its template; no address takes the company country's", async () => {
      const ctx = await loadContext(h.app.prisma, TEMPLATE_SHOP, null);
      const se = { ...blankAddress("gid://shopify/MailingAddress/8101"), countryCode: "SE", city: "Lund" };
      await processPage(ctx, [base(4101, { firstName: "Sven", addresses: [se], defaultAddressId: se.id }), base(4103, { firstName: "Kassa" })], { purpose: "sync" });
      expect(await templateOf(4101)).toBe("SEPRIV");
      expect(await templateOf(4103)).toBe("SEPRIV");
    });

    // Spec §6: "an address without country leaves it empty (the shop template applies)"; §5: the country setup row is
    // looked up by the *address's* ISO country. The engine looks it up by the company's country instead.
    it("an address without country gets the shop template, not the company country's setup template", async () => {
      const ctx = await loadContext(h.app.prisma, TEMPLATE_SHOP, null);
      const noCountry = { ...blankAddress("gid://shopify/MailingAddress/8102"), city: "Somewhere" };
      await processPage(ctx, [base(4102, { firstName: "Utan", lastName: "Land", addresses: [noCountry], defaultAddressId: noCountry.id })], { purpose: "sync" });
      expect(await templateOf(4102)).toBe("RETAIL");
    });
  });
});
