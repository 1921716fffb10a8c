import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { client, simulator, SHOP } from "./testkit.js";
import { loadShopifyCustomersCsv, parseShopifyCustomersCsv } from "./csv.js";
import { generateCustomers, generateOrders } from "./generator.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
beforeAll(async () => { sim = await simulator(); });
afterAll(async () => { await sim.close(); });

const CSV = fileURLToPath(new URL("../fixtures/shopify-customers-export.csv", import.meta.url));

describe("Shopify customer CSV export", () => {
  it("loads the sample export into the simulator", async () => {
    sim.reset();
    const list = loadShopifyCustomersCsv(CSV);
    expect(list).toHaveLength(10);
    expect(sim.setCustomers(SHOP, list)).toBe(10);
    const byId = Object.fromEntries(sim.customers(SHOP).map((c) => [c.id, c]));
    expect(byId["gid://shopify/Customer/7401234500001"]).toMatchObject({
      firstName: "Åsa", lastName: "Lindqvist", defaultEmailAddress: { emailAddress: "asa.lindqvist@example.test" },
      defaultPhoneNumber: { phoneNumber: "+46701234567" }, tags: ["vip", "newsletter"],
      addresses: [{ address1: "Storgatan 3", address2: "Lgh 1102", city: "Umeå", zip: "903 26", countryCodeV2: "SE", country: "Sweden", phone: "+46701234567" }],
    });
    expect(byId["gid://shopify/Customer/7401234500002"]).toMatchObject({ note: "Rechnung bitte an die Firma, nicht privat", taxExempt: true, addresses: [{ company: "Lüdenscheidt Werkzeug GmbH" }] });
    expect(byId["gid://shopify/Customer/7401234500004"].addresses[0]).toMatchObject({ provinceCode: "NY", province: "New York", country: "United States" });
    expect(byId["gid://shopify/Customer/7401234500006"].defaultEmailAddress).toBeNull();
    expect(byId["gid://shopify/Customer/7401234500008"]).toMatchObject({ addresses: [], defaultAddress: null });
    expect(byId["gid://shopify/Customer/7401234500009"].note).toBe('Prefers "express" shipping');
    const r = await client(sim)(`{ customerByIdentifier(identifier: { emailAddress: "j.mueller@example.test" }) { displayName } }`);
    expect(r.body.data.customerByIdentifier.displayName).toBe("Jürgen Müller-Lüdenscheidt");
  });

  it("accepts the older export layout", () => {
    const old = "First Name,Last Name,Email,Accepts Marketing,Company,Address1,Address2,City,Province,Province Code,Country,Country Code,Zip,Phone,Total Spent,Total Orders,Tags,Note,Tax Exempt\n" +
      "Ida,Berg,ida@example.test,yes,Berg AB,Storgatan 1,,Umeå,,,Sweden,SE,903 26,+46701112233,0.00,0,,,no\n";
    const [c] = parseShopifyCustomersCsv(old);
    expect(c.customer).toMatchObject({ firstName: "Ida", addresses: [{ company: "Berg AB", countryCodeV2: "SE" }], defaultEmailAddress: { marketingState: "SUBSCRIBED" } });
  });
});

describe("store generator", () => {
  it("is deterministic, realistic and valid for the simulator", () => {
    const a = generateCustomers({ count: 2000, seed: 42 });
    expect(generateCustomers({ count: 2000, seed: 42 })).toEqual(a);
    expect(generateCustomers({ count: 50, seed: 43 })).not.toEqual(a.slice(0, 50));
    const countries = new Set(a.flatMap((c) => c.addresses.map((x: any) => x.countryCodeV2)));
    for (const l of ["SE", "DE", "DK", "US", "GB", "FR", "NL"]) expect(countries).toContain(l);
    expect(a.some((c) => c.addresses.length === 0)).toBe(true); // point-of-sale customers
    expect(a.some((c) => c.addresses.length === 3)).toBe(true);
    expect(a.some((c) => c.addresses.length > 0 && c.defaultAddress === null)).toBe(true);
    expect(a.some((c) => /[åäöüßéøæ]/i.test(`${c.firstName} ${c.lastName} ${c.addresses[0]?.address1 ?? ""}`))).toBe(true);
    expect(a.some((c) => c.addresses.some((x: any) => x.company))).toBe(true);
    expect(a.some((c) => c.addresses.some((x: any) => x.countryCodeV2 === "US" && x.provinceCode))).toBe(true);
    const badAddressPhones = a.flatMap((c) => c.addresses).filter((x: any) => x.phone && !parsePhoneNumberFromString(x.phone)?.isValid());
    expect(badAddressPhones.length).toBeGreaterThan(0);
    for (const c of a) if (c.defaultPhoneNumber) expect(parsePhoneNumberFromString(c.defaultPhoneNumber.phoneNumber)?.isValid()).toBe(true);
    const emails = a.filter((c) => c.defaultEmailAddress).map((c) => c.defaultEmailAddress.emailAddress.toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
    sim.reset();
    expect(sim.setCustomers(SHOP, a)).toBe(2000);
    const orders = generateOrders(a, { count: 20, seed: 42 });
    for (const o of orders) sim.setOrder(SHOP, o);
    expect(sim.orders(SHOP)).toHaveLength(20);
  });

  it("generates 100,000 customers in seconds", () => {
    const t0 = Date.now();
    const list = generateCustomers({ count: 100_000, seed: 7 });
    expect(list).toHaveLength(100_000);
    expect(Date.now() - t0).toBeLessThan(8000);
  });
});
