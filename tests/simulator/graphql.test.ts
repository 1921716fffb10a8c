import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, simulator, SHOP, CREATE } from "./testkit.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
beforeAll(async () => { sim = await simulator(); });
afterAll(async () => { await sim.close(); });

describe("validation against the real Admin schema", () => {
  it("rejects a misspelled field with Shopify's error shape and no data key", async () => {
    const gql = client(sim);
    const r = await gql(`query { customers(first: 1) { edges { node { id frstName } } } }`);
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty("data");
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0]).toMatchObject({
      message: "Field 'frstName' doesn't exist on type 'Customer'",
      locations: [{ line: 1, column: 49 }],
      path: ["query", "customers", "edges", "node", "frstName"],
      extensions: { code: "undefinedField", typeName: "Customer", fieldName: "frstName" },
    });
    expect(r.body.extensions.cost.throttleStatus.maximumAvailable).toBe(2000);
    expect(sim.requests(SHOP).byOperation).toEqual({});
  });

  it("rejects an unknown argument, a missing argument and a variable type mismatch", async () => {
    const gql = client(sim);
    const a = await gql(`{ customers(first: 1, orderBy: NAME) { nodes { id } } }`);
    expect(a.body.errors[0].extensions).toMatchObject({ code: "argumentNotAccepted", argumentName: "orderBy" });
    const b = await gql(`{ customer { id } }`);
    expect(b.body.errors[0]).toMatchObject({ message: "Field 'customer' is missing required arguments: id", extensions: { code: "missingRequiredArguments" } });
    const c = await gql(`query($id: String!) { customer(id: $id) { id } }`, { id: "gid://shopify/Customer/1" });
    expect(c.body.errors[0].extensions.code).toBe("variableMismatch");
    const d = await gql(`{ customer(id: "gid://shopify/Customer/1") { id `);
    expect(d.body.errors[0].extensions.code).toBe("parseError");
    for (const x of [a, b, c, d]) expect(x.body).not.toHaveProperty("data");
  });

  it("asking for code on customerCreate's UserError fails validation (customerSet's error type has it)", async () => {
    const gql = client(sim);
    const r = await gql(`mutation { customerCreate(input: { firstName: "A" }) { userErrors { field message code } } }`);
    expect(r.body.errors[0]).toMatchObject({ extensions: { code: "undefinedField", typeName: "UserError", fieldName: "code" } });
    const s = await gql(`mutation { customerSet(input: { firstName: "A", email: "bad" }) { customer { id } userErrors { field message code } } }`);
    expect(s.body.data.customerSet.userErrors).toEqual([{ field: ["input", "email"], message: "Email is invalid", code: "INVALID" }]);
  });

  it("reports invalid variables like Shopify (INVALID_VARIABLE, no data)", async () => {
    const gql = client(sim);
    const r = await gql(CREATE, { input: { firstName: "A", mail: "a@b.test" } });
    expect(r.body).not.toHaveProperty("data");
    expect(r.body.errors[0].extensions).toMatchObject({ code: "INVALID_VARIABLE", problems: [{ path: ["mail"] }] });
  });

  it("answers 401 with Shopify's body without a valid access token", async () => {
    const res = await fetch(`${sim.url}/admin/api/2026-07/graphql.json`, {
      method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_nope", "X-Sim-Shop-Domain": SHOP },
      body: JSON.stringify({ query: "{ shop { id } }" }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    // a token of another shop is not accepted either
    const other = sim.issueAccessToken("other-shop.myshopify.com");
    const r2 = await client(sim, SHOP, other)("{ shop { id } }");
    expect(r2.status).toBe(401);
  });

  it("identifies the shop by the access token when the rewrite header is absent", async () => {
    const token = sim.issueAccessToken("header-less.myshopify.com");
    sim.setCustomer("header-less.myshopify.com", { id: "gid://shopify/Customer/42", firstName: "Solo" });
    const res = await fetch(`${sim.url}/admin/api/2026-07/graphql.json`, {
      method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: `{ customer(id: "gid://shopify/Customer/42") { firstName legacyResourceId } shop { myshopifyDomain } }` }),
    });
    const body = await res.json();
    expect(body.data).toEqual({ customer: { firstName: "Solo", legacyResourceId: "42" }, shop: { myshopifyDomain: "header-less.myshopify.com" } });
  });
});
