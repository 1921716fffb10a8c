import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { client, simulator, SHOP } from "./testkit.js";
import { generateCustomers } from "./generator.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
let hooks: { topic: string; body: any }[] = [];
let hookServer: Server;
beforeAll(async () => {
  hookServer = createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => { hooks.push({ topic: String(req.headers["x-shopify-topic"]), body: JSON.parse(b) }); res.end("ok"); });
  });
  await new Promise<void>((r) => hookServer.listen(0, "127.0.0.1", () => r()));
  sim = await simulator({ webhookUrl: `http://127.0.0.1:${(hookServer.address() as any).port}/webhooks` });
});
afterAll(async () => { await sim.close(); hookServer.close(); });

const BULK = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
const INNER = `{
  customers(query: "updated_at:>'2020-01-01T00:00:00Z'") {
    edges { node {
      id firstName lastName updatedAt
      defaultEmailAddress { emailAddress }
      defaultPhoneNumber { phoneNumber }
      defaultAddress { id }
      addressesV2 { edges { node { id address1 city countryCodeV2 provinceCode phone company } } }
    } }
  }
}`;

async function runBulk(gql: ReturnType<typeof client>, inner: string) {
  const start = await gql(BULK, { q: inner });
  expect(start.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
  expect(start.body.data.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");
  const id = start.body.data.bulkOperationRunQuery.bulkOperation.id;
  for (let i = 0; i < 200; i++) {
    const p = await gql(`query($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount rootObjectCount url fileSize } } }`, { id });
    const op = p.body.data.node;
    if (op.status === "COMPLETED") return op;
    expect(["CREATED", "RUNNING"]).toContain(op.status);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("bulk operation did not complete");
}

describe("bulk operations", () => {
  it("exports every customer as JSONL that rebuilds to the simulator's customers via __parentId", async () => {
    sim.reset();
    hooks = [];
    const seeded = generateCustomers({ count: 3000, seed: 5 });
    sim.setCustomers(SHOP, seeded);
    const gql = client(sim);
    const op = await runBulk(gql, INNER);
    const text = await (await fetch(op.url)).text();
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(String(lines.length)).toBe(op.objectCount);
    expect(op.rootObjectCount).toBe("3000");

    const parents = new Map<string, any>();
    const orphans: any[] = [];
    let childBeforeItsParentsNeighbour = 0;
    let lastParent: string | null = null;
    for (const l of lines) {
      if (l.__parentId) {
        const p = parents.get(l.__parentId);
        if (!p) { orphans.push(l); continue; }
        if (l.__parentId !== lastParent) childBeforeItsParentsNeighbour++;
        const { __parentId, ...node } = l;
        p.addresses.push(node);
      } else {
        parents.set(l.id, { ...l, addresses: [] });
        lastParent = l.id;
      }
    }
    expect(orphans).toEqual([]); // a child never comes before its parent line
    expect(childBeforeItsParentsNeighbour).toBeGreaterThan(0); // ...but not always right after it
    const dump = sim.customers(SHOP);
    expect(parents.size).toBe(dump.length);
    for (const c of dump) {
      const b = parents.get(c.id);
      expect(b).toMatchObject({
        firstName: c.firstName, lastName: c.lastName, updatedAt: c.updatedAt,
        defaultEmailAddress: c.defaultEmailAddress, defaultPhoneNumber: c.defaultPhoneNumber, defaultAddress: c.defaultAddress,
      });
      expect(b.addresses).toEqual(c.addresses.map((a: any) => ({ id: a.id, address1: a.address1, city: a.city, countryCodeV2: a.countryCodeV2, provinceCode: a.provinceCode, phone: a.phone, company: a.company })));
    }

    // currentBulkOperation agrees, and bulk_operations/finish was delivered
    const cur = await gql(`{ currentBulkOperation { status objectCount url } }`);
    expect(cur.body.data.currentBulkOperation).toMatchObject({ status: "COMPLETED", objectCount: op.objectCount });
    await sim.flushWebhooks();
    expect(hooks.map((h) => h.topic)).toEqual(["bulk_operations/finish"]);
    expect(hooks[0].body).toMatchObject({ admin_graphql_api_id: expect.stringMatching(/BulkOperation/), status: "completed", type: "query", error_code: null });
    expect(sim.requests(SHOP).byOperation.bulkOperationRunQuery).toBe(1);
  });

  it("groups children right after their parent with groupObjects: true", async () => {
    sim.reset();
    sim.setCustomers(SHOP, generateCustomers({ count: 300, seed: 6 }));
    const gql = client(sim);
    const start = await gql(`mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: true) { bulkOperation { id } userErrors { message } } }`, { q: INNER });
    const id = start.body.data.bulkOperationRunQuery.bulkOperation.id;
    let url: string | null = null;
    while (!url) {
      const r = await gql(`query($id: ID!) { bulkOperation(id: $id) { status url } }`, { id });
      url = r.body.data.bulkOperation.url;
      if (!url) await new Promise((res) => setTimeout(res, 10));
    }
    const lines = (await (await fetch(url)).text()).trim().split("\n").map((l) => JSON.parse(l));
    let last: string | null = null;
    for (const l of lines) { if (l.__parentId) expect(l.__parentId).toBe(last); else last = l.id; }
  });

  it("refuses invalid bulk queries and a second query while one runs", async () => {
    sim.reset();
    const gql = client(sim);
    const bad = await gql(BULK, { q: `{ customers { edges { node { id nope } } } }` });
    expect(bad.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
    const noId = await gql(BULK, { q: `{ customers { edges { node { firstName addressesV2 { edges { node { id } } } } } } }` });
    expect(noId.body.data.bulkOperationRunQuery.userErrors[0].message).toMatch(/must select the 'id' field/);
    sim.setCustomers(SHOP, generateCustomers({ count: 5000, seed: 8 }));
    const a = await gql(BULK, { q: INNER });
    const b = await gql(BULK, { q: INNER });
    expect(a.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(b.body.data.bulkOperationRunQuery.userErrors[0].code).toBe("OPERATION_IN_PROGRESS");
  });

  it("exports orders, with guests' customer null", async () => {
    sim.reset();
    sim.setCustomer(SHOP, { id: "gid://shopify/Customer/1", firstName: "A" });
    sim.setOrder(SHOP, { id: "gid://shopify/Order/11", name: "#1", customer: { id: "gid://shopify/Customer/1" } });
    sim.setOrder(SHOP, { id: "gid://shopify/Order/12", name: "#2", email: "guest@example.test", customer: null });
    const op = await runBulk(client(sim), `{ orders { edges { node { id name email customer { id } } } } }`);
    const lines = (await (await fetch(op.url)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: "gid://shopify/Order/11", name: "#1", email: null, customer: { id: "gid://shopify/Customer/1" } },
      { id: "gid://shopify/Order/12", name: "#2", email: "guest@example.test", customer: null },
    ]);
  });
});
