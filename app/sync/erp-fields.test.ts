// Filling ERP fields from Shopify (spec §6): create and update rules, truncation with the address overflow,
// countries, counties and the tax-area row. A hand-made context: only settings, company, countries and tax areas.
import { describe, expect, it } from "vitest";
import type { ShopifyAddress, ShopifyCustomer } from "../shopify/types";
import type { SyncContext, TaxAreaRow } from "./context";
import { billToAddress, changedFields, fieldsFromShopify } from "./erp-fields";
import { DEFAULT_SETTINGS, type Settings } from "./settings";
import { charLength } from "./text";

const TAX: TaxAreaRow[] = [
  { countryCode: "CA", county: "Ontario", countyCode: "ON", taxAreaCode: "CA-ON", taxLiable: true, vatBusPostingGroup: "CA-HST" },
  { countryCode: "CA", county: "Alberta", countyCode: "AB", taxAreaCode: "", taxLiable: false, vatBusPostingGroup: "CA-GST" },
  { countryCode: "CA", county: "Yukon", countyCode: "YT", taxAreaCode: "CA-YT", taxLiable: false, vatBusPostingGroup: "" },
];

function ctxWith(settings: Partial<Settings> = {}): SyncContext {
  const countries = [
    { code: "SE", isoCode: "SE", name: "Sweden" },
    { code: "EL", isoCode: "GR", name: "Greece" },
    { code: "CA", isoCode: "CA", name: "Canada" },
  ];
  return {
    settings: { ...DEFAULT_SETTINGS, ...settings },
    company: { name: "Fjällbacka Sjöbod AB", countryCode: "SE" },
    countriesByCode: new Map(countries.map((c) => [c.code, c])),
    erpCodeByIso: new Map(countries.map((c) => [c.isoCode, c.code])),
    taxAreas: TAX,
  } as unknown as SyncContext;
}

const address = (o: Partial<ShopifyAddress> = {}): ShopifyAddress => ({
  id: "gid://shopify/MailingAddress/7201",
  company: "",
  firstName: "Ingrid",
  lastName: "Dahl",
  address1: "Norra Hamngatan 4",
  address2: "",
  zip: "411 06",
  city: "Göteborg",
  countryCode: "SE",
  countryName: "Sweden",
  provinceCode: "",
  provinceName: "",
  phone: "",
  ...o,
});

const customer = (o: Partial<ShopifyCustomer> = {}): ShopifyCustomer => ({
  id: "gid://shopify/Customer/2201",
  firstName: "Ingrid",
  lastName: "Dahl",
  email: "ingrid.dahl@example.test",
  phone: "",
  state: "ENABLED",
  note: "",
  tags: [],
  taxExempt: false,
  verifiedEmail: true,
  emailMarketingState: "",
  createdAt: null,
  updatedAt: null,
  addresses: [],
  addressesComplete: true,
  defaultAddressId: null,
  ...o,
});

const codes = (r: { notes: Array<{ code: string }> }) => r.notes.map((n) => n.code);

describe("fieldsFromShopify on create", () => {
  it("fills every field from the customer and its address", () => {
    const a = address({ company: "Dahl Design", phone: "+46 31 12 34 56" });
    const r = fieldsFromShopify(ctxWith(), customer({ phone: "+46701234567" }), a, "create");
    expect(r.fields).toEqual({
      name: "Dahl Design",
      name2: "Ingrid Dahl",
      contact: "Ingrid Dahl",
      address: "Norra Hamngatan 4",
      address2: "",
      postCode: "411 06",
      city: "Göteborg",
      countryCode: "SE",
      county: "",
      phoneNo: "+46 31 12 34 56",
      email: "ingrid.dahl@example.test",
    });
    expect(r.iso).toBe("SE");
    expect(r.notes).toEqual([]);
  });

  it("takes the first name from the address when it has one, else from the customer; the same for the last name", () => {
    const r = fieldsFromShopify(ctxWith(), customer({ firstName: "Ingrid", lastName: "Dahl" }), address({ firstName: "Inga", lastName: "" }), "create");
    expect(r.fields.name).toBe("Inga Dahl");
    const r2 = fieldsFromShopify(ctxWith(), customer({ firstName: "", lastName: "Dahl" }), address({ firstName: "", lastName: "Holm" }), "create");
    expect(r2.fields.name).toBe("Holm");
  });

  it("phone: the address phone, else the customer phone, stored as received (trimmed, extension included)", () => {
    expect(fieldsFromShopify(ctxWith(), customer({ phone: "+46701234567" }), address({ phone: " +46 8 123 456 78 ext. 12 " }), "create").fields.phoneNo).toBe("+46 8 123 456 78 ext. 12");
    expect(fieldsFromShopify(ctxWith(), customer({ phone: "+46701234567" }), address({ phone: "" }), "create").fields.phoneNo).toBe("+46701234567");
    expect(fieldsFromShopify(ctxWith(), customer({ phone: "" }), address({ phone: "" }), "create").fields.phoneNo).toBeUndefined();
  });

  // Spec §6: "A phone with no digit is no phone." An address phone of "n/a" is no phone, so the customer's phone applies.
  it("an address phone with no digit is ignored: the customer's phone is taken", () => {
    const r = fieldsFromShopify(ctxWith(), customer({ phone: "+46701234567" }), address({ phone: "n/a" }), "create");
    expect(r.fields.phoneNo).toBe("+46701234567");
  });

  it("the never-empty name chain: contact, then email, then phone, then Shopify customer <id>", () => {
    const noNames = { firstName: "", lastName: "" };
    const ctx = ctxWith({ contactSource: "none" });
    expect(fieldsFromShopify(ctx, customer({ ...noNames }), address({ ...noNames }), "create").fields.name).toBe("ingrid.dahl@example.test");
    expect(fieldsFromShopify(ctx, customer({ ...noNames, email: "" }), address({ ...noNames, phone: "+46 31 12 34 56" }), "create").fields.name).toBe("+46 31 12 34 56");
    expect(fieldsFromShopify(ctx, customer({ ...noNames, email: "" }), address({ ...noNames }), "create").fields.name).toBe("Shopify customer 2201");
  });

  it("survives a customer made of nulls and no address: gets a name and the company's country", () => {
    const c = { ...customer(), firstName: null, lastName: null, email: null, phone: null, addresses: null } as unknown as ShopifyCustomer;
    const r = fieldsFromShopify(ctxWith(), c, null, "create");
    expect(r.fields).toMatchObject({ name: "Shopify customer 2201", countryCode: "SE" });
    expect(r.fields.address).toBeUndefined();
    expect(r.fields.email).toBeUndefined();
  });

  it("survives an address made of nulls", () => {
    const a = Object.fromEntries(Object.keys(address()).map((k) => [k, k === "id" ? "gid://shopify/MailingAddress/1" : null])) as unknown as ShopifyAddress;
    const r = fieldsFromShopify(ctxWith(), customer(), a, "create");
    expect(r.fields).toMatchObject({ name: "Ingrid Dahl", address: "", postCode: "", city: "", countryCode: "", county: "" });
    expect(r.notes).toEqual([]);
  });

  it("keeps emoji, right-to-left text and combining marks, stored in NFC", () => {
    const a = address({ firstName: "Zoe\u0308", lastName: "حداد 🎉", address1: "רחוב הרצל 10", city: "Cafe\u0301 City" });
    const r = fieldsFromShopify(ctxWith(), customer(), a, "create");
    expect(r.fields.name).toBe("Zoë حداد 🎉");
    expect(r.fields.address).toBe("רחוב הרצל 10");
    expect(r.fields.city).toBe("Café City");
  });
});

describe("countries", () => {
  it("takes the ERP country whose ISO code is the address country (Greece: EL for GR), case-insensitively", () => {
    expect(fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "GR" }), "create").fields.countryCode).toBe("EL");
    expect(fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "gr" }), "create").fields.countryCode).toBe("EL");
  });

  it("an unknown ISO country is stored as is with unknownCountry", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "XK" }), "create");
    expect(r.fields.countryCode).toBe("XK");
    expect(codes(r)).toEqual(["unknownCountry"]);
  });

  it("an address without country leaves the country empty (the shop template applies), without a warning", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "", countryName: "" }), "create");
    expect(r.fields.countryCode).toBe("");
    expect(r.notes).toEqual([]);
  });
});

describe("county and tax area", () => {
  const on = { countryCode: "CA", provinceCode: "ON", provinceName: "Ontario" };

  it("county = province code or name per countySource", () => {
    expect(fieldsFromShopify(ctxWith({ countySource: "code" }), customer(), address(on), "create").fields.county).toBe("ON");
    expect(fieldsFromShopify(ctxWith({ countySource: "name" }), customer(), address(on), "create").fields.county).toBe("Ontario");
  });

  it("the tax-area row sets taxAreaCode, taxLiable and vatBusPostingGroup", () => {
    expect(fieldsFromShopify(ctxWith(), customer(), address(on), "create").fields).toMatchObject({ taxAreaCode: "CA-ON", taxLiable: true, vatBusPostingGroup: "CA-HST" });
  });

  it("found by province name when the code finds nothing, whatever countySource says", () => {
    const r = fieldsFromShopify(ctxWith({ countySource: "code" }), customer(), address({ countryCode: "CA", provinceCode: "", provinceName: "Ontario" }), "create");
    expect(r.fields).toMatchObject({ county: "Ontario", taxAreaCode: "CA-ON" });
  });

  it("a blank value of the row is not set (the template keeps it)", () => {
    const ab = fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "CA", provinceCode: "AB", provinceName: "Alberta" }), "create").fields;
    expect(ab.vatBusPostingGroup).toBe("CA-GST");
    expect(ab.taxAreaCode).toBeUndefined();
    expect(ab.taxLiable).toBeUndefined();
    const yt = fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "CA", provinceCode: "YT", provinceName: "Yukon" }), "create").fields;
    expect(yt).toMatchObject({ taxAreaCode: "CA-YT", taxLiable: false });
    expect(yt.vatBusPostingGroup).toBeUndefined();
  });

  it("a province missing from the tax areas sets no tax fields and fails nothing", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ countryCode: "CA", provinceCode: "QC", provinceName: "Quebec" }), "create");
    expect(r.fields.county).toBe("QC");
    expect(r.fields.taxAreaCode).toBeUndefined();
    expect(r.fields.vatBusPostingGroup).toBeUndefined();
    expect(r.notes).toEqual([]);
  });
});

describe("truncation", () => {
  it("cuts a value at its field length with truncated, counting characters not UTF-16 units", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ city: "🏙️".repeat(40), zip: "1".repeat(25) }), "create");
    expect(charLength(r.fields.city!)).toBe(30);
    expect(r.fields.postCode).toBe("1".repeat(20));
    expect(codes(r)).toEqual(["truncated", "truncated"]);
  });

  it("the rest of a long address goes, trimmed, to an empty address2", () => {
    const line = "Storgatan ".repeat(10) + "  Uppgång B, 3 tr";
    const r = fieldsFromShopify(ctxWith(), customer(), address({ address1: line, address2: "" }), "create");
    expect(r.fields.address).toBe("Storgatan ".repeat(10).trim());
    expect(r.fields.address2).toBe("Uppgång B, 3 tr");
    expect(codes(r)).toContain("truncated");
  });

  it("the overflow in address2 is itself cut at 50", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ address1: "x".repeat(10_240), address2: "" }), "create");
    expect(r.fields.address).toBe("x".repeat(100));
    expect(r.fields.address2).toBe("x".repeat(50));
    expect(codes(r).filter((c) => c === "truncated").length).toBeGreaterThanOrEqual(2);
  });

  it("counts emoji as one character in the overflow too", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ address1: "🏠".repeat(150), address2: "" }), "create");
    expect(r.fields.address).toBe("🏠".repeat(100));
    expect(r.fields.address2).toBe("🏠".repeat(50));
  });

  it("when address2 is not empty, the rest of the address is cut off and address2 kept", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), address({ address1: "y".repeat(120), address2: "Box 5" }), "create");
    expect(r.fields.address).toBe("y".repeat(100));
    expect(r.fields.address2).toBe("Box 5");
    expect(codes(r)).toEqual(["truncated"]);
  });

  it("10 kB names, email and phone never fail: every field is cut to its length", () => {
    const big = "Å".repeat(10_240);
    const r = fieldsFromShopify(ctxWith({ nameSource: "companyName" }), customer({ email: `${big}@example.test`, phone: "1".repeat(10_240) }), address({ company: big, firstName: big, lastName: big }), "create");
    expect(charLength(r.fields.name!)).toBe(100);
    expect(charLength(r.fields.name2!)).toBe(50);
    expect(charLength(r.fields.contact!)).toBe(100);
    expect(charLength(r.fields.email!)).toBe(80);
    expect(charLength(r.fields.phoneNo!)).toBe(30);
    expect(new Set(codes(r))).toEqual(new Set(["truncated"]));
  });
});

describe("fieldsFromShopify on update", () => {
  it("empty Shopify email and phone never blank ERP values", () => {
    const r = fieldsFromShopify(ctxWith(), customer({ email: "", phone: "" }), address({ phone: "" }), "update");
    expect("email" in r.fields).toBe(false);
    expect("phoneNo" in r.fields).toBe(false);
  });

  // A phone with no digit is no phone, so it must not overwrite the ERP phone either.
  it("an address phone with no digit never overwrites the ERP phone on update", () => {
    const r = fieldsFromShopify(ctxWith(), customer({ phone: "" }), address({ phone: "n/a" }), "update");
    expect("phoneNo" in r.fields).toBe(false);
  });

  it("the address block is written only when Shopify has an address", () => {
    const r = fieldsFromShopify(ctxWith(), customer(), null, "update");
    for (const k of ["address", "address2", "postCode", "city", "county", "countryCode", "taxAreaCode"]) expect(k in r.fields).toBe(false);
    const r2 = fieldsFromShopify(ctxWith(), customer(), address(), "update");
    expect(r2.fields).toMatchObject({ address: "Norra Hamngatan 4", city: "Göteborg", countryCode: "SE" });
  });

  it("names only when the built value is not empty (no never-empty chain on update)", () => {
    const r = fieldsFromShopify(ctxWith(), customer({ firstName: "", lastName: "" }), address({ firstName: "", lastName: "" }), "update");
    expect("name" in r.fields).toBe(false);
    expect("name2" in r.fields).toBe(false);
    expect("contact" in r.fields).toBe(false);
    const r2 = fieldsFromShopify(ctxWith(), customer({ firstName: "Inga", lastName: "Dahl" }), null, "update");
    expect(r2.fields).toMatchObject({ name: "Inga Dahl", name2: "", contact: "Inga Dahl" });
  });
});

describe("billToAddress and changedFields", () => {
  it("the default address, else the first, else none", () => {
    const a1 = address({ id: "a1" });
    const a2 = address({ id: "a2" });
    expect(billToAddress({ addresses: [a1, a2], defaultAddressId: "a2" })?.id).toBe("a2");
    expect(billToAddress({ addresses: [a1, a2], defaultAddressId: null })?.id).toBe("a1");
    expect(billToAddress({ addresses: [a1, a2], defaultAddressId: "gone" })?.id).toBe("a1");
    expect(billToAddress({ addresses: [], defaultAddressId: null })).toBe(null);
    expect(billToAddress({ addresses: null, defaultAddressId: undefined })).toBe(null);
  });

  it("changedFields keeps only the values that differ", () => {
    const current = { no: "C1", name: "A", city: "X", taxLiable: false } as any;
    expect(changedFields(current, { name: "A", city: "Y", taxLiable: false })).toEqual({ city: "Y" });
  });
});
