// The app's real Shopify library paths against the simulator: token exchange through authenticate.admin, an Admin
// GraphQL query through the stored session, and webhook HMAC validation by the library's own validator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";

let h: Harness;
const shop = "library-shop.myshopify.com";

beforeAll(async () => {
  h = await startHarness({ name: "shopify-api" });
});
afterAll(async () => {
  await h?.close();
});

describe("@shopify/shopify-api against the simulator", () => {
  it("exchanges a session token for an offline token, stores the session, then queries the Admin API", async () => {
    h.sim.setCustomer(shop, { id: "gid://shopify/Customer/42", firstName: "Åsa", lastName: "Öberg", defaultEmailAddress: { emailAddress: "asa@example.test" } });
    const token = h.sim.sessionToken(shop);
    const host = Buffer.from(`${shop}/admin`).toString("base64");
    const request = new Request(`http://127.0.0.1:3000/app?shop=${shop}&host=${host}&embedded=1&id_token=${token}`);
    const { admin, session } = await h.app.shopify.authenticate.admin(request);
    expect(session.shop).toBe(shop);
    expect(session.accessToken).toMatch(/\S{10,}/);
    const stored = await h.app.prisma.session.findFirst({ where: { shop, isOnline: false } });
    expect(stored?.accessToken).toBe(session.accessToken);
    const res = await admin.graphql(`{ customers(first: 5) { nodes { id firstName defaultEmailAddress { emailAddress } } } }`);
    const body = await res.json();
    expect(body.data.customers.nodes).toEqual([{ id: "gid://shopify/Customer/42", firstName: "Åsa", defaultEmailAddress: { emailAddress: "asa@example.test" } }]);
    expect(body.extensions?.cost.throttleStatus.maximumAvailable).toBe(2000);
    // Background work later uses the stored offline session.
    const { admin: background } = await h.app.shopify.unauthenticated.admin(shop);
    const again = await (await background.graphql(`{ customersCount { count } }`)).json();
    expect(again.data.customersCount.count).toBe(1);
  });

  it("a query with a misspelled field is rejected with Shopify's error shape through the library", async () => {
    await h.addSession(shop);
    const { admin } = await h.app.shopify.unauthenticated.admin(shop);
    const err = await admin.graphql(`{ customers(first: 1) { nodes { firstNaem } } }`).catch((e: any) => e);
    expect(err?.constructor?.name).toBe("GraphqlQueryError");
    expect(err.body.errors.graphQLErrors[0].extensions.code).toBe("undefinedField");
    expect(err.body.data).toBeUndefined();
  });

  it("a webhook signed by the simulator passes authenticate.webhook; a wrong HMAC is a 401", async () => {
    const payload = { id: 42, admin_graphql_api_id: "gid://shopify/Customer/42", email: "asa@example.test" };
    const deliveries: Array<{ status: number; result?: any }> = [];
    // Capture the signed request the simulator sends, and hand it to the library twice: as sent, and tampered.
    const { createServer } = await import("node:http");
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const make = (b: string) => new Request("http://127.0.0.1/webhooks", { method: "POST", headers, body: b });
      try {
        deliveries.push({ status: 200, result: await h.app.shopify.authenticate.webhook(make(body)) });
      } catch (e) {
        deliveries.push({ status: (e as Response).status });
      }
      try {
        await h.app.shopify.authenticate.webhook(make(body.replace("asa@", "eve@")));
        deliveries.push({ status: 200 });
      } catch (e) {
        deliveries.push({ status: (e as Response).status });
      }
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as any).port}/webhooks`;
    await h.sim.deliverWebhook(shop, "customers/update", payload, { webhookId: "wh-lib-1", url });
    server.close();
    expect(deliveries[0].status).toBe(200);
    expect(deliveries[0].result.topic).toBe("CUSTOMERS_UPDATE");
    expect(deliveries[0].result.shop).toBe(shop);
    expect(deliveries[0].result.webhookId).toBe("wh-lib-1");
    expect(deliveries[0].result.payload.email).toBe("asa@example.test");
    expect(deliveries[1].status).toBe(401);
  });
});
