// Small helpers for the simulator's own tests (and handy for anyone else's).
import { startSimulator, type ShopifySimulator, type SimulatorOptions } from "./index.js";

export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";
export const SHOP = "test-shop.myshopify.com";

export async function simulator(o: Partial<SimulatorOptions> = {}): Promise<ShopifySimulator> {
  return startSimulator({ apiKey: API_KEY, apiSecret: API_SECRET, port: 0, ...o });
}

export interface GqlResult { status: number; body: any; headers: Headers }

/** POSTs a GraphQL request the way the app does after its fetch rewrite. */
export function client(sim: ShopifySimulator, shop = SHOP, token = sim.issueAccessToken(shop)) {
  return async (query: string, variables?: Record<string, unknown>, o: { signal?: AbortSignal } = {}): Promise<GqlResult> => {
    const res = await fetch(`${sim.url}/admin/api/${sim.apiVersion}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, "X-Sim-Shop-Domain": shop },
      body: JSON.stringify({ query, variables }),
      signal: o.signal,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

export const CREATE = `mutation Create($input: CustomerInput!) {
  customerCreate(input: $input) {
    customer { id firstName lastName updatedAt defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
    userErrors { field message }
  }
}`;
