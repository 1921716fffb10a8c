import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { client, simulator, SHOP, CREATE } from "./testkit.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
beforeAll(async () => { sim = await simulator(); });
afterAll(async () => { await sim.close(); });
beforeEach(() => sim.reset());

const FIND = `query($q: String) { customers(first: 5, query: $q) { nodes { id } } }`;

describe("faults", () => {
  it("throttle: answers THROTTLED without executing, for the named operation only, N times", async () => {
    const gql = client(sim);
    sim.fault(SHOP, { type: "throttle", operation: "customerCreate", times: 2 });
    expect((await gql(FIND, { q: "x" })).body.data).toBeDefined();
    for (let i = 0; i < 2; i++) {
      const r = await gql(CREATE, { input: { firstName: "A", email: "a@example.test" } });
      expect(r.body.errors[0].extensions.code).toBe("THROTTLED");
      expect(r.body).not.toHaveProperty("data");
    }
    expect(sim.customers(SHOP)).toHaveLength(0);
    const ok = await gql(CREATE, { input: { firstName: "A", email: "a@example.test" } });
    expect(ok.body.data.customerCreate.userErrors).toEqual([]);
    expect(sim.requests(SHOP)).toEqual({ total: 4, byOperation: { customers: 1, customerCreate: 1 }, throttled: 2 });
  });

  it("serverError: HTTP 503 without executing", async () => {
    const gql = client(sim);
    sim.fault(SHOP, { type: "serverError" });
    const r = await gql(CREATE, { input: { firstName: "A", email: "a@example.test" } });
    expect(r.status).toBe(503);
    expect(sim.customers(SHOP)).toHaveLength(0);
    expect((await gql(CREATE, { input: { firstName: "A", email: "a@example.test" } })).status).toBe(200);
  });

  it("timeoutAfterCommit: commits, never answers; the retry then sees 'Email has already been taken'", async () => {
    const gql = client(sim);
    sim.fault(SHOP, { type: "timeoutAfterCommit", operation: "customerCreate", times: 1 });
    const input = { firstName: "Jonas", lastName: "Weber", email: "jonas.weber@example.test" };
    await expect(gql(CREATE, { input }, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    expect(sim.customers(SHOP)).toHaveLength(1);
    const retry = await gql(CREATE, { input });
    expect(retry.body.data.customerCreate.userErrors).toEqual([{ field: ["email"], message: "Email has already been taken" }]);
    expect(sim.requests(SHOP).byOperation.customerCreate).toBe(2);
  });

  it("latency: answers after the given delay", async () => {
    const gql = client(sim);
    sim.fault(SHOP, { type: "latency", ms: 250 });
    const t0 = Date.now();
    expect((await gql(FIND, { q: "" })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    const t1 = Date.now();
    await gql(FIND, { q: "" });
    expect(Date.now() - t1).toBeLessThan(200);
  });

  it("searchLag: customers(query:) misses a fresh write while exact reads see it", async () => {
    const gql = client(sim);
    sim.fault(SHOP, { type: "searchLag", ms: 300 });
    const c = (await gql(CREATE, { input: { firstName: "Lag", email: "lag@example.test" } })).body.data.customerCreate.customer;
    expect((await gql(FIND, { q: `email:"lag@example.test"` })).body.data.customers.nodes).toEqual([]);
    expect((await gql(`{ customersCount(query: "email:lag") { count } }`)).body.data.customersCount.count).toBe(0);
    expect((await gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: c.id })).body.data.customer).toEqual({ id: c.id });
    expect((await gql(`{ customerByIdentifier(identifier: { emailAddress: "lag@example.test" }) { id } }`)).body.data.customerByIdentifier).toEqual({ id: c.id });
    await new Promise((r) => setTimeout(r, 320));
    expect((await gql(FIND, { q: `email:"lag@example.test"` })).body.data.customers.nodes).toEqual([{ id: c.id }]);
  });

  it("rejects unknown fault types", () => {
    expect(() => sim.fault(SHOP, { type: "explode" })).toThrow(/unknown fault/);
  });
});
