import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { client, simulator, SHOP, CREATE } from "./testkit.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
beforeAll(async () => { sim = await simulator(); });
afterAll(async () => { await sim.close(); });
beforeEach(() => sim.reset());

const create = (input: Record<string, unknown>) => client(sim)(CREATE, { input }).then((r) => r.body.data.customerCreate);

describe("customer rules", () => {
  it("rejects a duplicate email and a duplicate phone with Shopify's messages", async () => {
    const ok = await create({ firstName: "Freja", email: "freja@example.test", phone: "+4545454545" });
    expect(ok.userErrors).toEqual([]);
    expect(ok.customer.defaultPhoneNumber.phoneNumber).toBe("+4545454545");
    expect(await create({ firstName: "X", email: "FREJA@example.test" })).toEqual({
      customer: null, userErrors: [{ field: ["email"], message: "Email has already been taken" }],
    });
    expect(await create({ firstName: "X", phone: "+45 45 45 45 45" })).toEqual({
      customer: null, userErrors: [{ field: ["phone"], message: "Phone has already been taken" }],
    });
    expect(sim.customers(SHOP)).toHaveLength(1);
  });

  it("rejects an undialable phone and a malformed email", async () => {
    expect((await create({ firstName: "X", phone: "12345" })).userErrors).toEqual([{ field: ["phone"], message: "Phone is invalid" }]);
    expect((await create({ firstName: "X", phone: "+1 206-734-2817 ext. 58213" })).userErrors).toEqual([]);
    expect((await create({ firstName: "X", email: "not-an-email" })).userErrors).toEqual([{ field: ["email"], message: "Email is invalid" }]);
    expect((await create({ note: "nothing else" })).userErrors[0].message).toBe("Customer must have a name, phone number or email address");
  });

  it("stores phones in E.164 using the address country as region", async () => {
    const gql = client(sim);
    const r = await gql(`mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { defaultPhoneNumber { phoneNumber } addresses { phone country countryCodeV2 province provinceCode } } userErrors { message } } }`,
      { input: { lastName: "Holm", phone: "32 12 34 56", addresses: [{ address1: "Algade 1", city: "Roskilde", countryCode: "DK", phone: "32 12 34 56" }] } });
    expect(r.body.data.customerCreate.customer).toEqual({
      defaultPhoneNumber: { phoneNumber: "+4532123456" },
      addresses: [{ phone: "+4532123456", country: "Denmark", countryCodeV2: "DK", province: null, provinceCode: null }],
    });
    const us = await gql(`mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { addresses { province provinceCode country } } } }`,
      { input: { lastName: "Doe", addresses: [{ address1: "1 Main St", city: "Albany", countryCode: "US", provinceCode: "NY" }] } });
    expect(us.body.data.customerCreate.customer.addresses[0]).toEqual({ province: "New York", provinceCode: "NY", country: "United States" });
  });

  it("moves updatedAt strictly forward on every change", async () => {
    const gql = client(sim);
    const c = (await create({ firstName: "A", email: "a@example.test" })).customer;
    let last = Date.parse(c.updatedAt);
    for (let i = 0; i < 5; i++) {
      const r = await gql(`mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { updatedAt } userErrors { message } } }`, { input: { id: c.id, note: `n${i}` } });
      const t = Date.parse(r.body.data.customerUpdate.customer.updatedAt);
      expect(t).toBeGreaterThan(last);
      last = t;
    }
  });

  it("customerSet upserts by email and reports errors with codes", async () => {
    const gql = client(sim);
    const SET = `mutation($identifier: CustomerSetIdentifiers, $input: CustomerSetInput!) { customerSet(identifier: $identifier, input: $input) { customer { id firstName defaultEmailAddress { emailAddress } } userErrors { field message code } } }`;
    const a = await gql(SET, { identifier: { email: "ida@example.test" }, input: { firstName: "Ida" } });
    const id = a.body.data.customerSet.customer.id;
    expect(a.body.data.customerSet.customer.defaultEmailAddress.emailAddress).toBe("ida@example.test");
    const b = await gql(SET, { identifier: { email: "IDA@example.test" }, input: { firstName: "Ida B" } });
    expect(b.body.data.customerSet.customer).toMatchObject({ id, firstName: "Ida B" });
    const c = await gql(SET, { identifier: { id: "gid://shopify/Customer/1" }, input: { firstName: "Nobody" } });
    expect(c.body.data.customerSet.userErrors[0].code).toBe("NOT_FOUND");
    await create({ firstName: "P", phone: "+46701234567" });
    const d = await gql(SET, { identifier: { id }, input: { phone: "+46701234567" } });
    expect(d.body.data.customerSet.userErrors).toEqual([{ field: ["input", "phone"], message: "Phone has already been taken", code: "TAKEN" }]);
  });

  it("manages addresses and the default address", async () => {
    const gql = client(sim);
    const c = (await create({ firstName: "A", lastName: "B" })).customer;
    const add = `mutation($c: ID!, $a: MailingAddressInput!, $d: Boolean) { customerAddressCreate(customerId: $c, address: $a, setAsDefault: $d) { address { id city name formatted } userErrors { field message } } }`;
    const a1 = (await gql(add, { c: c.id, a: { firstName: "A", lastName: "B", address1: "Storgatan 1", zip: "903 26", city: "Umeå", countryCode: "SE" } })).body.data.customerAddressCreate.address;
    expect(a1).toMatchObject({ city: "Umeå", name: "A B", formatted: ["Storgatan 1", "903 26 Umeå", "Sweden"] });
    expect(a1.id).toMatch(/^gid:\/\/shopify\/MailingAddress\/\d+$/);
    const a2 = (await gql(add, { c: c.id, a: { address1: "Kungsgatan 2", city: "Luleå", countryCode: "SE" }, d: true })).body.data.customerAddressCreate.address;
    const q = `query($id: ID!) { customer(id: $id) { defaultAddress { id } addresses { id } addressesV2(first: 5) { edges { node { id city } } } } }`;
    expect((await gql(q, { id: c.id })).body.data.customer.defaultAddress.id).toBe(a2.id);
    await gql(`mutation($c: ID!, $a: ID!) { customerUpdateDefaultAddress(customerId: $c, addressId: $a) { customer { id } userErrors { message } } }`, { c: c.id, a: a1.id });
    await gql(`mutation($c: ID!, $a: ID!, $in: MailingAddressInput!) { customerAddressUpdate(customerId: $c, addressId: $a, address: $in) { address { id } userErrors { message } } }`, { c: c.id, a: a2.id, in: { city: "Kiruna" } });
    const del = await gql(`mutation($c: ID!, $a: ID!) { customerAddressDelete(customerId: $c, addressId: $a) { deletedAddressId userErrors { message } } }`, { c: c.id, a: a1.id });
    expect(del.body.data.customerAddressDelete.deletedAddressId).toBe(a1.id);
    const after = (await gql(q, { id: c.id })).body.data.customer;
    expect(after.defaultAddress.id).toBe(a2.id);
    expect(after.addressesV2.edges.map((e: any) => e.node.city)).toEqual(["Kiruna"]);
  });

  it("keeps defaultAddress null apart from 'no key' when seeding, and dumps the GraphQL shape", () => {
    const addr = [{ id: "gid://shopify/MailingAddress/9001", address1: "Storgatan 3", city: "Umeå", countryCodeV2: "SE" }];
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/6001", firstName: "Ida", defaultEmailAddress: { emailAddress: "ida@example.test" }, defaultPhoneNumber: null, addresses: addr, defaultAddress: null });
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/6002", firstName: "Oskar", addresses: [{ ...addr[0], id: "gid://shopify/MailingAddress/9002" }] });
    const [ida, oskar] = sim.customers(SHOP);
    expect(ida).toMatchObject({
      id: "gid://shopify/Customer/6001", firstName: "Ida", defaultEmailAddress: { emailAddress: "ida@example.test" },
      defaultPhoneNumber: null, defaultAddress: null, tags: [], taxExempt: false, state: "DISABLED",
      addresses: [{ id: "gid://shopify/MailingAddress/9001", address1: "Storgatan 3", country: "Sweden", countryCodeV2: "SE", company: null }],
    });
    expect(oskar.defaultAddress).toEqual({ id: "gid://shopify/MailingAddress/9002" });
    expect(() => sim.setCustomer(SHOP, { firstName: "Dup", defaultEmailAddress: { emailAddress: "IDA@example.test" } })).toThrow(/already belongs/);
    const before = Date.parse(ida.updatedAt);
    const again = sim.setCustomer(SHOP, { id: "gid://shopify/Customer/6001", firstName: "Ida", addresses: addr, defaultAddress: null });
    expect(Date.parse(again.updatedAt)).toBeGreaterThan(before);
    expect(again.createdAt).toBe(ida.createdAt);
  });

  it("finds customers exactly by identifier and deletes them", async () => {
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/5001", firstName: "Peter", defaultEmailAddress: { emailAddress: "p.lund@example.test" }, defaultPhoneNumber: { phoneNumber: "+4520304050" } });
    const gql = client(sim);
    const q = `query($i: CustomerIdentifierInput!) { customerByIdentifier(identifier: $i) { id } }`;
    expect((await gql(q, { i: { emailAddress: "P.Lund@example.test" } })).body.data.customerByIdentifier).toEqual({ id: "gid://shopify/Customer/5001" });
    expect((await gql(q, { i: { emailAddress: "lund@example.test" } })).body.data.customerByIdentifier).toBeNull();
    expect((await gql(q, { i: { phoneNumber: "+4520304050" } })).body.data.customerByIdentifier).toEqual({ id: "gid://shopify/Customer/5001" });
    const d = await gql(`mutation { customerDelete(input: { id: "gid://shopify/Customer/5001" }) { deletedCustomerId shop { id } userErrors { message } } }`);
    expect(d.body.data.customerDelete.deletedCustomerId).toBe("gid://shopify/Customer/5001");
    expect(sim.customers(SHOP)).toEqual([]);
    expect(sim.requests(SHOP).byOperation).toEqual({ customerByIdentifier: 3, customerDelete: 1 });
  });
});

describe("paging and search", () => {
  const seedMany = (n: number) => {
    const list = Array.from({ length: n }, (_, i) => ({
      id: `gid://shopify/Customer/${1000 + ((i * 7919) % n)}`, firstName: `F${i}`, lastName: `L${i}`,
      defaultEmailAddress: { emailAddress: `user${i}@example.test` },
    }));
    sim.setCustomers(SHOP, list);
  };

  for (const sortKey of ["ID", "UPDATED_AT", "NAME"]) {
    for (const reverse of [false, true]) {
      it(`pages through 1,000 customers with first/after (sortKey ${sortKey}${reverse ? ", reverse" : ""}) exactly once`, async () => {
        seedMany(1000);
        const gql = client(sim);
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        for (;;) {
          const r: any = await gql(`query($after: String, $sk: CustomerSortKeys, $rev: Boolean) { customers(first: 250, after: $after, sortKey: $sk, reverse: $rev) { edges { cursor node { id updatedAt } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, { after, sk: sortKey, rev: reverse });
          const c = r.body.data.customers;
          seen.push(...c.edges.map((e: any) => e.node.id));
          expect(c.pageInfo.hasPreviousPage).toBe(pages > 0);
          pages++;
          if (!c.pageInfo.hasNextPage) break;
          after = c.pageInfo.endCursor;
        }
        expect(pages).toBe(4);
        expect(seen).toHaveLength(1000);
        expect(new Set(seen).size).toBe(1000);
        if (sortKey === "ID") {
          const nums = seen.map((s) => Number(s.split("/").pop()));
          expect(nums).toEqual([...nums].sort((a, b) => (reverse ? b - a : a - b)));
        }
      });
    }
  }

  it("keeps UPDATED_AT paging stable while customers change (a changed customer moves to the end)", async () => {
    seedMany(300);
    const gql = client(sim);
    const first = await gql(`{ customers(first: 100, sortKey: UPDATED_AT) { edges { node { id } } pageInfo { endCursor } } }`);
    const ids = first.body.data.customers.edges.map((e: any) => e.node.id);
    await gql(`mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }`, { input: { id: ids[0], note: "changed" } });
    const rest: string[] = [];
    let after = first.body.data.customers.pageInfo.endCursor;
    for (;;) {
      const r = await gql(`query($a: String) { customers(first: 100, after: $a, sortKey: UPDATED_AT) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { a: after });
      rest.push(...r.body.data.customers.edges.map((e: any) => e.node.id));
      if (!r.body.data.customers.pageInfo.hasNextPage) break;
      after = r.body.data.customers.pageInfo.endCursor;
    }
    expect(rest).toHaveLength(201);
    expect(rest[rest.length - 1]).toBe(ids[0]);
  });

  it("pages backwards with last/before", async () => {
    seedMany(30);
    const gql = client(sim);
    const r = await gql(`{ customers(last: 10) { edges { node { id } } pageInfo { hasPreviousPage startCursor } } }`);
    expect(r.body.data.customers.pageInfo.hasPreviousPage).toBe(true);
    const r2 = await gql(`query($b: String) { customers(last: 25, before: $b) { nodes { id } pageInfo { hasPreviousPage hasNextPage } } }`, { b: r.body.data.customers.pageInfo.startCursor });
    expect(r2.body.data.customers.nodes).toHaveLength(20);
    expect(r2.body.data.customers.pageInfo).toEqual({ hasPreviousPage: false, hasNextPage: true });
  });

  it("tokenizes unquoted email searches but matches quoted ones exactly", async () => {
    for (const [i, e] of ["john.doe@gmail.test", "doe.john@gmail.test", "john.smith@gmail.test", "jdoe@other.test"].entries())
      sim.setCustomer(SHOP, { id: `gid://shopify/Customer/${i + 1}`, firstName: `P${i}`, defaultEmailAddress: { emailAddress: e } });
    const gql = client(sim);
    const find = async (q: string) => (await gql(`query($q: String) { customers(first: 10, query: $q) { nodes { email } } }`, { q })).body.data.customers.nodes.map((n: any) => n.email).sort();
    expect(await find("email:john.doe@gmail.test")).toEqual(["doe.john@gmail.test", "john.doe@gmail.test"]);
    expect(await find("email:john")).toEqual(["doe.john@gmail.test", "john.doe@gmail.test", "john.smith@gmail.test"]);
    expect(await find(`email:"John.Doe@gmail.test"`)).toEqual(["john.doe@gmail.test"]);
    expect(await find(`email:'jdoe@other.test'`)).toEqual(["jdoe@other.test"]);
    expect(await find(`email:"john@gmail.test"`)).toEqual([]);
    expect(await find(`email:"jdoe@other.test" OR email:"john.smith@gmail.test"`)).toEqual(["jdoe@other.test", "john.smith@gmail.test"]);
  });

  it("filters by updated_at and id ranges, phone and bare terms (which are loose, like Shopify's)", async () => {
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/1", firstName: "Old", updatedAt: "2026-01-01T00:00:00Z", createdAt: "2025-12-01T00:00:00Z" });
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/2", firstName: "Peter", defaultPhoneNumber: { phoneNumber: "+4520304050" }, addresses: [{ address1: "Bygade 45", address2: "Postboks 4545", city: "Odense" }], updatedAt: "2026-02-01T00:00:00Z" });
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/3", firstName: "New", updatedAt: "2026-03-01T00:00:00Z" });
    const gql = client(sim);
    const find = async (q: string) => (await gql(`query($q: String) { customers(first: 10, query: $q) { nodes { firstName } } }`, { q })).body.data.customers.nodes.map((n: any) => n.firstName);
    expect(await find(`updated_at:>'2026-01-15T00:00:00Z'`)).toEqual(["Peter", "New"]);
    expect(await find(`updated_at:>='2026-02-01T00:00:00Z' AND updated_at:<'2026-03-01T00:00:00Z'`)).toEqual(["Peter"]);
    expect(await find(`id:>1 id:<=2`)).toEqual(["Peter"]);
    expect(await find(`phone:+4520304050`)).toEqual(["Peter"]);
    expect(await find(`+45 4545 4545`)).toEqual(["Peter"]); // the B01 trap: loose terms hit the P.O. box
    expect(await find(`-first_name:Peter`)).toEqual(["Old", "New"]);
    const count = await gql(`{ customersCount(query: "updated_at:>'2026-01-15T00:00:00Z'") { count precision } all: customersCount { count } }`);
    expect(count.body.data).toEqual({ customersCount: { count: 2, precision: "EXACT" }, all: { count: 3 } });
  });
});

describe("orders", () => {
  it("serves orders with their customer (null for guests) and filters by updated_at", async () => {
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/6001", firstName: "Ida", defaultEmailAddress: { emailAddress: "ida@example.test" } });
    sim.setOrder(SHOP, { id: "gid://shopify/Order/820501", name: "#2501", email: "ida@example.test", customer: { id: "gid://shopify/Customer/6001" },
      billingAddress: { firstName: "Ida", address1: "Storgatan 5", city: "Umeå", countryCodeV2: "SE" }, updatedAt: "2026-05-01T10:00:00Z" });
    sim.setOrder(SHOP, { id: "gid://shopify/Order/820502", name: "#2502", email: "guest@example.test", customer: null, updatedAt: "2026-06-01T10:00:00Z" });
    const gql = client(sim);
    const r = await gql(`{ orders(first: 10, query: "updated_at:>'2026-04-01T00:00:00Z'", sortKey: UPDATED_AT) { nodes { id name email legacyResourceId customer { id numberOfOrders } billingAddress { city country } shippingAddress { city } createdAt updatedAt } } }`);
    expect(r.body.data.orders.nodes).toEqual([
      { id: "gid://shopify/Order/820501", name: "#2501", email: "ida@example.test", legacyResourceId: "820501", customer: { id: "gid://shopify/Customer/6001", numberOfOrders: "1" },
        billingAddress: { city: "Umeå", country: "Sweden" }, shippingAddress: null, createdAt: expect.any(String), updatedAt: "2026-05-01T10:00:00Z" },
      { id: "gid://shopify/Order/820502", name: "#2502", email: "guest@example.test", legacyResourceId: "820502", customer: null,
        billingAddress: null, shippingAddress: null, createdAt: expect.any(String), updatedAt: "2026-06-01T10:00:00Z" },
    ]);
    const one = await gql(`{ order(id: "gid://shopify/Order/820502") { name customer { id } } }`);
    expect(one.body.data.order).toEqual({ name: "#2502", customer: null });
  });
});
