import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { client, simulator, SHOP } from "./testkit.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
beforeAll(async () => { sim = await simulator(); });
afterAll(async () => { await sim.close(); });
beforeEach(() => {
  sim.reset();
  for (let i = 1; i <= 10; i++) sim.setCustomer(SHOP, { id: `gid://shopify/Customer/${i}`, firstName: `C${i}`, defaultEmailAddress: { emailAddress: `c${i}@example.test` } });
});

const TEN = `{ customers(first: 10) { edges { node { id } } } }`; // 2 + 10 x 1 = 12

describe("cost and throttling", () => {
  it("computes requested cost statically and actual cost from the data", async () => {
    const gql = client(sim);
    const r = await gql(`{ customers(first: 10, query: "email:\\"c3@example.test\\"") { edges { node { id defaultAddress { id } } } } customersCount { count } }`);
    // requested: connection 2 + 10 x (node 1 + defaultAddress 1) = 22, customersCount 1 -> 23
    expect(r.body.extensions.cost.requestedQueryCost).toBe(23);
    // actual: 2 + 1 node (defaultAddress null) + count object 1 -> 4
    expect(r.body.extensions.cost.actualQueryCost).toBe(4);
    const m = await gql(`mutation { customerDelete(input: { id: "gid://shopify/Customer/9" }) { deletedCustomerId } }`);
    expect(m.body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("drains the bucket by requested cost, refunds the difference, restores at the rate, and throttles", async () => {
    sim.setBucket(SHOP, 50, 1);
    const gql = client(sim);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await gql(TEN);
      expect(r.body.data.customers.edges).toHaveLength(10);
      expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 12 });
      seen.push(r.body.extensions.cost.throttleStatus.currentlyAvailable);
    }
    expect(seen).toEqual([38, 26, 14, 2]);
    const t = await gql(TEN);
    expect(t.status).toBe(200);
    expect(t.body).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: { requestedQueryCost: 12, actualQueryCost: null, throttleStatus: { maximumAvailable: 50, currentlyAvailable: 2, restoreRate: 1 } } },
    });
    expect(sim.requests(SHOP)).toEqual({ total: 5, byOperation: { customers: 4 }, throttled: 1 });

    // refund: asking for 10 but getting 1 costs 2 + 1 = 3 of the 12 reserved
    sim.setBucket(SHOP, 50, 1000);
    await new Promise((r) => setTimeout(r, 60));
    expect(sim.bucket(SHOP).currentlyAvailable).toBe(50);
    sim.setBucket(SHOP, 50, 0);
    const one = await gql(`{ customers(first: 10, query: "email:\\"c1@example.test\\"") { edges { node { id } } } }`);
    expect(one.body.extensions.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 3, throttleStatus: { currentlyAvailable: 47 } });

    // restore at the configured rate
    sim.setBucket(SHOP, 50, 100); // 47 + 0.1 per ms
    await new Promise((r) => setTimeout(r, 12));
    const mid = sim.bucket(SHOP).currentlyAvailable;
    expect(mid).toBeGreaterThanOrEqual(48);
    await new Promise((r) => setTimeout(r, 40));
    expect(sim.bucket(SHOP).currentlyAvailable).toBe(50); // capped at the bucket size
  });

  it("changes the default bucket for every shop at runtime", async () => {
    sim.setBucket(null, 1000, 50);
    const r = await client(sim, "fresh.myshopify.com")(`{ shop { id } }`);
    expect(r.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 50 });
    sim.setBucket(null, 2000, 100);
  });

  it("rejects a query above 1000 points with MAX_COST_EXCEEDED without executing it", async () => {
    const gql = client(sim);
    const r = await gql(`{ customers(first: 250) { edges { node { id addressesV2(first: 10) { edges { node { id } } } } } } }`);
    expect(r.body).not.toHaveProperty("data");
    expect(r.body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost: 3252, maxCost: 1000 });
    expect(sim.requests(SHOP).byOperation).toEqual({});
  });

  it("requires first or last and caps page size at 250", async () => {
    const gql = client(sim);
    const a = await gql(`{ customers { edges { node { id } } } }`);
    expect(a.body.errors[0].message).toBe("you must provide one of first or last");
    const b = await gql(`{ customers(first: 251) { edges { node { id } } } }`);
    expect(b.body.errors[0].extensions.code).toBe("MAX_PAGE_SIZE_EXCEEDED");
  });
});
