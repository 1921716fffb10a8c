import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulator, API_KEY, API_SECRET, SHOP } from "./testkit.js";
import { signSessionToken } from "./auth.js";
import type { ShopifySimulator } from "./index.js";

let sim: ShopifySimulator;
beforeAll(async () => { sim = await simulator(); });
afterAll(async () => { await sim.close(); });

const exchange = (body: Record<string, unknown>, form = false) =>
  fetch(`${sim.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": form ? "application/x-www-form-urlencoded" : "application/json", "X-Sim-Shop-Domain": SHOP },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });

const base = (token: string) => ({
  client_id: API_KEY, client_secret: API_SECRET, grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token: token, subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
});

const shopQuery = (token: string) => fetch(`${sim.url}/admin/api/2026-07/graphql.json`, {
  method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, "X-Sim-Shop-Domain": SHOP },
  body: JSON.stringify({ query: "{ shop { myshopifyDomain } }" }),
});

describe("token exchange", () => {
  it("exchanges a session token for an expiring offline token, refreshes it, and the tokens work", async () => {
    const jwt = signSessionToken(API_KEY, API_SECRET, SHOP);
    const res = await exchange({ ...base(jwt), requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token", expiring: "1" });
    expect(res.status).toBe(200);
    const t = await res.json();
    expect(t).toEqual({ access_token: expect.stringMatching(/^shpat_/), expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/), refresh_token_expires_in: 7776000, scope: expect.stringContaining("write_customers") });
    expect((await (await shopQuery(t.access_token)).json()).data.shop.myshopifyDomain).toBe(SHOP);

    const r = await exchange({ client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token }, true);
    const t2 = await r.json();
    expect(t2.access_token).not.toBe(t.access_token);
    expect((await shopQuery(t2.access_token)).status).toBe(200);
    // refresh tokens rotate
    const again = await exchange({ client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token });
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe("invalid_grant");
  });

  it("gives a non-expiring offline token without expiring=1, and an online token with its user", async () => {
    const off = await (await exchange({ ...base(signSessionToken(API_KEY, API_SECRET, SHOP)), requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token", expiring: "0" })).json();
    expect(Object.keys(off).sort()).toEqual(["access_token", "scope"]);
    const on = await (await exchange({ ...base(signSessionToken(API_KEY, API_SECRET, SHOP, { userId: 777 })), requested_token_type: "urn:shopify:params:oauth:token-type:online-access-token" })).json();
    expect(on).toMatchObject({ expires_in: 86399, associated_user: { id: 777 }, associated_user_scope: expect.any(String) });
  });

  it("rejects a bad signature, a wrong audience, an expired token and wrong client credentials", async () => {
    const bad = await exchange(base(signSessionToken(API_KEY, "not-the-secret", SHOP)));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe("invalid_subject_token");
    expect((await exchange(base(signSessionToken("other-key", API_SECRET, SHOP)))).status).toBe(400);
    expect((await exchange(base(signSessionToken(API_KEY, API_SECRET, SHOP, { expiresInS: -60 })))).status).toBe(400);
    const creds = await exchange({ ...base(signSessionToken(API_KEY, API_SECRET, SHOP)), client_secret: "wrong" });
    expect(creds.status).toBe(400);
    expect((await creds.json()).error).toBe("invalid_client");
  });
});
