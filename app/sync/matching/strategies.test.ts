// One table of matching cases (spec §4), run against every strategy in the registry, with a context built by
// loadContext on a fresh database. A new strategy is one file, one registry entry — and one column here.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, migrateFresh, removeDatabase } from "../../../tests/support/app-harness";
import { setErpCustomer } from "../../erp/master";
import { blankCustomer, type OrderAddress, type ShopifyAddress, type ShopifyCustomer } from "../../shopify/types";
import { loadContext, type SyncContext } from "../context";
import { saveSettings } from "../settings";
import { mappingStrategies, strategyFor, type MatchResult } from "./index";

const SHOP = "matching-shop.myshopify.com";
const DEFAULT_NO = "C90000";

const ERP = [
  { no: "C10001", name: "Ingrid Dahl", address: "Norra Hamngatan 4", postCode: "411 06", city: "Göteborg", countryCode: "SE", email: "Ingrid.Dahl@Example.test" },
  { no: "C10002", name: "Brattås Bygg AB", name2: "Per Brattås", address: "Verkstadsvägen 2", postCode: "452 31", city: "Strömstad", countryCode: "SE", email: "faktura@brattas.example.test; per.brattas@example.test" },
  // Inserted before C10003 on purpose: the lowest number wins whatever the order.
  { no: "C10004", name: "Delad Adress 2", email: "shared@example.test", countryCode: "SE" },
  { no: "C10003", name: "Delad Adress 1", email: " SHARED@example.test ,other@example.test", countryCode: "SE" },
  { no: "C10005", name: "Pieter van Dijk", address: "Grote Markt 1", postCode: "1000", city: "Brussel", countryCode: "BE", phoneNo: "+32 474 12 34 56" },
  { no: "C10006", name: "Νίκος Παπαδόπουλος", address: "Οδός Αιόλου 10", postCode: "105 51", city: "Αθήνα", countryCode: "EL", phoneNo: "210 123 4567" },
  { no: "C10007", name: "Lina Berg", countryCode: "", phoneNo: "070-123 45 67" },
  { no: "C10008", name: 'שלום בע"מ 🎉', address: "רחוב הרצל 10", postCode: "6100000", city: "תל אביב", countryCode: "IL" },
  { no: DEFAULT_NO, name: "Webshop default customer" },
];

let db: PrismaClient;
let dbFile = "";
let ctx: SyncContext;

beforeAll(async () => {
  const file = (dbFile = path.join(ROOT, "tmp", `matching-${process.pid}.sqlite`));
  migrateFresh(file);
  db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: "file:" + file }) });
  await db.companyInformation.create({ data: { shop: SHOP, name: "Fjällbacka Sjöbod AB", countryCode: "SE" } });
  for (const [code, isoCode] of [["SE", "SE"], ["BE", "BE"], ["EL", "GR"], ["DK", "DK"]]) await db.erpCountry.create({ data: { shop: SHOP, code, isoCode, name: code } });
  for (const c of ERP) await setErpCustomer(db, SHOP, c);
  // byBillToInfo: the context then loads the ERP customers' bill-to keys too (the strategies ignore the setting).
  await saveSettings(db, SHOP, { customerMappingType: "byBillToInfo", defaultCustomerNo: DEFAULT_NO, nameSource: "companyName", name2Source: "firstAndLastName", contactSource: "firstAndLastName" });
  ctx = await loadContext(db, SHOP, null);
});
afterAll(async () => {
  await db?.$disconnect();
  if (dbFile) removeDatabase(dbFile);
});

const address = (o: Partial<ShopifyAddress> = {}): ShopifyAddress => ({
  id: "gid://shopify/MailingAddress/1",
  company: "",
  firstName: "",
  lastName: "",
  address1: "Elsewhere 99",
  address2: "",
  zip: "999 99",
  city: "Nowhere",
  countryCode: "SE",
  countryName: "",
  provinceCode: "",
  provinceName: "",
  phone: "",
  ...o,
});

const customer = (o: Partial<ShopifyCustomer> = {}): ShopifyCustomer => blankCustomer({ id: "gid://shopify/Customer/1", ...o });

const withAddress = (a: Partial<ShopifyAddress>, o: Partial<ShopifyCustomer> = {}) => {
  const addr = address(a);
  return customer({ addresses: [addr], defaultAddressId: addr.id, ...o });
};

type Strategy = keyof typeof mappingStrategies;
type Expected = Record<string, string | null>;

interface Case {
  name: string;
  customer: ShopifyCustomer;
  billTo?: OrderAddress | null;
  /** Per strategy, for the bulk Sync: "<no> <how>[ +<others>]" or null. */
  sync: Expected;
  /** Order resolution, where it differs from sync (defaultCustomer always gives the shop's default for orders). */
  order?: Expected;
}

// Spec §4.5: on an order, a bill-to with blank name and name 2 always uses byEmailPhone. A customer without any
// address (and an order without billing address) has such a bill-to; byBillToInfo gives up instead.

const CASES: Case[] = [
  {
    name: "email: trimmed, case-insensitive, exact; the same name and address also match by bill-to",
    customer: withAddress({ firstName: "Ingrid", lastName: "Dahl", address1: "Norra Hamngatan 4", zip: "411 06", city: "Göteborg" }, { email: "  INGRID.DAHL@example.TEST " }),
    sync: { byEmailPhone: "C10001 email", byBillToInfo: "C10001 billTo", defaultCustomer: null },
  },
  {
    name: "email: any address of a multi-address ERP field",
    customer: withAddress({ company: "Brattås Bygg AB", firstName: "Per", lastName: "Brattås", address1: "Verkstadsvägen 2", zip: "452 31", city: "Strömstad" }, { email: "per.brattas@example.test" }),
    sync: { byEmailPhone: "C10002 email", byBillToInfo: "C10002 billTo", defaultCustomer: null },
  },
  {
    name: "email: a part of an address is not an address",
    customer: customer({ email: "brattas.example.test" }),
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "two ERP customers with the same email: the lowest number wins, the other is reported",
    customer: customer({ email: "shared@example.test" }),
    sync: { byEmailPhone: "C10003 email +C10004", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10003 email +C10004" },
  },
  {
    name: "phone: national form in the address's country against the ERP's international form",
    customer: withAddress({ countryCode: "BE", phone: "0474 12 34 56" }),
    sync: { byEmailPhone: "C10005 phone", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10005 phone" },
  },
  {
    name: "phone: the customer's phone comes before its address's phone",
    customer: withAddress({ countryCode: "BE", phone: "0474 12 34 56" }, { phone: "+46701234567" }),
    sync: { byEmailPhone: "C10007 phone", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10007 phone" },
  },
  {
    name: "phone: the ERP side is read in its country's ISO region (EL → GR)",
    customer: customer({ phone: "+30 21 0123 4567" }),
    sync: { byEmailPhone: "C10006 phone", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10006 phone" },
  },
  {
    name: "phone: an ERP customer without country is read in the company's region; so is a Shopify side without address",
    customer: customer({ phone: "070 123 45 67" }),
    sync: { byEmailPhone: "C10007 phone", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10007 phone" },
  },
  {
    name: "phone is tried when the email finds nothing",
    customer: customer({ email: "nobody@example.test", phone: "+46 70 123 45 67" }),
    sync: { byEmailPhone: "C10007 phone", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10007 phone" },
  },
  {
    name: "an email match wins over a phone match",
    customer: customer({ email: "ingrid.dahl@example.test", phone: "+46 70 123 45 67" }),
    sync: { byEmailPhone: "C10001 email", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10001 email" },
  },
  {
    name: "phone: digits merely appearing in order do not match",
    customer: customer({ phone: "+46 70 123 45 678" }),
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "phone: fewer than 7 digits never match",
    customer: customer({ phone: "45 67" }),
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "bill-to: equal ignoring case and repeated spaces",
    customer: withAddress({ firstName: "ingrid", lastName: "DAHL", address1: "norra   hamngatan 4 ", zip: "411 06", city: "GÖTEBORG" }),
    sync: { byEmailPhone: null, byBillToInfo: "C10001 billTo", defaultCustomer: null },
  },
  {
    name: "bill-to: the country through its ISO code (GR → EL), Greek text",
    customer: withAddress({ firstName: "Νίκος", lastName: "Παπαδόπουλος", address1: "Οδός Αιόλου 10", zip: "105 51", city: "Αθήνα", countryCode: "GR" }),
    sync: { byEmailPhone: null, byBillToInfo: "C10006 billTo", defaultCustomer: null },
  },
  {
    name: "bill-to: emoji and right-to-left text; a country without ERP code compares as its ISO code",
    customer: withAddress({ company: 'שלום בע"מ 🎉', address1: "רחוב הרצל 10", zip: "6100000", city: "תל אביב", countryCode: "IL" }),
    sync: { byEmailPhone: null, byBillToInfo: "C10008 billTo", defaultCustomer: null },
  },
  {
    name: "bill-to: another city is another customer",
    customer: withAddress({ firstName: "Ingrid", lastName: "Dahl", address1: "Norra Hamngatan 4", zip: "411 06", city: "Mölndal" }),
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "nothing at all: null names, email, phone and addresses",
    customer: { ...customer(), firstName: null, lastName: null, email: null, phone: null, addresses: null, defaultAddressId: undefined } as unknown as ShopifyCustomer,
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "an address made of nulls",
    customer: customer({ addresses: [{ ...Object.fromEntries(Object.keys(address()).map((k) => [k, null])), id: "gid://shopify/MailingAddress/9" } as unknown as ShopifyAddress] }),
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "10 kB strings everywhere",
    customer: withAddress(
      { company: "X".repeat(10_240), firstName: "Y".repeat(10_240), address1: "Z".repeat(10_240), city: "W".repeat(10_240), phone: "9".repeat(10_240) },
      { email: `${"e".repeat(10_240)}@example.test`, phone: "1".repeat(10_240) },
    ),
    sync: { byEmailPhone: null, byBillToInfo: null, defaultCustomer: null },
  },
  {
    name: "orders: a bill-to without any name is matched by email and phone instead",
    customer: customer({ email: "ingrid.dahl@example.test" }),
    billTo: (({ id: _id, ...a }) => a)(address({ address1: "Somewhere 1" })),
    sync: { byEmailPhone: "C10001 email", byBillToInfo: null, defaultCustomer: null },
    order: { byBillToInfo: "C10001 email" },
  },
];

function run(strategy: string, c: Case, purpose: "sync" | "order"): string | null {
  const r: MatchResult | null = strategyFor(strategy)(ctx, { customer: c.customer, billTo: purpose === "order" ? c.billTo : undefined, purpose });
  if (!r) return null;
  return `${r.erpCustomerNo} ${r.how}${r.others?.length ? ` +${r.others.join(",")}` : ""}`;
}

describe("the matching table", () => {
  const strategies = Object.keys(mappingStrategies) as Strategy[];

  it("covers every strategy of the registry", () => {
    expect(strategies.sort()).toEqual(["byBillToInfo", "byEmailPhone", "defaultCustomer"]);
    for (const c of CASES) expect(Object.keys(c.sync).sort(), c.name).toEqual([...strategies].sort());
    expect(() => strategyFor("byAnythingElse")).toThrow(/Unknown customer mapping type/);
  });

  for (const strategy of strategies) {
    describe(strategy, () => {
      for (const c of CASES) {
        it(`sync — ${c.name}`, () => {
          expect(run(strategy, c, "sync")).toBe(c.sync[strategy]);
        });
        it(`order — ${c.name}`, () => {
          const expected = c.order && strategy in c.order ? c.order[strategy] : strategy === "defaultCustomer" ? `${DEFAULT_NO} default` : c.sync[strategy];
          expect(run(strategy, c, "order")).toBe(expected);
        });
      }
    });
  }
});

describe("byBillToInfo on orders", () => {
  it("links the customer's address that equals the billing address", () => {
    const home = address({ id: "gid://shopify/MailingAddress/71", firstName: "Ingrid", lastName: "Dahl", address1: "Norra Hamngatan 4", zip: "411 06", city: "Göteborg" });
    const other = address({ id: "gid://shopify/MailingAddress/72" });
    const c = customer({ addresses: [other, home], defaultAddressId: other.id });
    const { id: _id, ...billTo } = home;
    const r = strategyFor("byBillToInfo")(ctx, { customer: c, billTo: { ...billTo, city: "göteborg " }, purpose: "order" });
    expect(r).toMatchObject({ erpCustomerNo: "C10001", how: "billTo", addressId: home.id });
  });

  it("the bill-to's missing names come from the customer", () => {
    const c = customer({ firstName: "Ingrid", lastName: "Dahl" });
    const { id: _id, ...billTo } = address({ address1: "Norra Hamngatan 4", zip: "411 06", city: "Göteborg" });
    expect(strategyFor("byBillToInfo")(ctx, { customer: c, billTo, purpose: "order" })).toMatchObject({ erpCustomerNo: "C10001", addressId: undefined });
  });
});

describe("defaultCustomer", () => {
  it("gives nothing when the shop's default customer does not exist", async () => {
    const other = { ...ctx, settings: { ...ctx.settings, defaultCustomerNo: "C99999" } };
    expect(strategyFor("defaultCustomer")(other, { customer: customer(), purpose: "order" })).toBe(null);
    const none = { ...ctx, settings: { ...ctx.settings, defaultCustomerNo: "" } };
    expect(strategyFor("defaultCustomer")(none, { customer: customer(), purpose: "order" })).toBe(null);
  });
});
