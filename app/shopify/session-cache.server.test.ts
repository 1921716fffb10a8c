import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { describe, expect, it } from "vitest";
import { CachedSessionStorage, whileReceivingWebhooks } from "./session-cache.server";

class CountingStorage implements SessionStorage {
  rows = new Map<string, Session>();
  loads = 0;
  async storeSession(s: Session) {
    this.rows.set(s.id, new Session(s.toObject()));
    return true;
  }
  async loadSession(id: string) {
    this.loads++;
    // Read first, answer a moment later: a store can happen in between.
    const s = this.rows.get(id);
    await new Promise((r) => setTimeout(r, 1));
    return s ? new Session(s.toObject()) : undefined;
  }
  async deleteSession(id: string) {
    this.rows.delete(id);
    return true;
  }
  async deleteSessions(ids: string[]) {
    for (const id of ids) this.rows.delete(id);
    return true;
  }
  async findSessionsByShop(shop: string) {
    return [...this.rows.values()].filter((s) => s.shop === shop);
  }
}

const viaWebhook = (c: CachedSessionStorage, id: string) => whileReceivingWebhooks(() => c.loadSession(id));

const session = (token: string) =>
  new Session({ id: "offline_a.myshopify.com", shop: "a.myshopify.com", state: "", isOnline: false, accessToken: token, scope: "read_customers" });

describe("CachedSessionStorage, while receiving webhooks", () => {
  it("reads the database once for a burst of loads and again after the time to live", async () => {
    let now = 1_000;
    const inner = new CountingStorage();
    await inner.storeSession(session("t1"));
    const cache = new CachedSessionStorage(inner, 5_000, () => now);
    const loaded = await Promise.all(Array.from({ length: 50 }, () => viaWebhook(cache, "offline_a.myshopify.com")));
    expect(inner.loads).toBe(1);
    expect(loaded.every((s) => s?.accessToken === "t1")).toBe(true);
    now += 4_999;
    await viaWebhook(cache, "offline_a.myshopify.com");
    expect(inner.loads).toBe(1);
    // Changed by another process: seen once the entry is older than the time to live.
    await inner.storeSession(session("t2"));
    now += 1;
    expect((await viaWebhook(cache, "offline_a.myshopify.com"))?.accessToken).toBe("t2");
    expect(inner.loads).toBe(2);
  });

  it("remembers a missing session for the time to live too", async () => {
    let now = 0;
    const inner = new CountingStorage();
    const cache = new CachedSessionStorage(inner, 5_000, () => now);
    expect(await viaWebhook(cache, "offline_b.myshopify.com")).toBeUndefined();
    expect(await viaWebhook(cache, "offline_b.myshopify.com")).toBeUndefined();
    expect(inner.loads).toBe(1);
    now = 5_000;
    await viaWebhook(cache, "offline_b.myshopify.com");
    expect(inner.loads).toBe(2);
  });

  it("sees its own stores and deletes at once", async () => {
    const inner = new CountingStorage();
    const cache = new CachedSessionStorage(inner, 60_000);
    expect(await viaWebhook(cache, "offline_a.myshopify.com")).toBeUndefined();
    await cache.storeSession(session("t1"));
    expect((await viaWebhook(cache, "offline_a.myshopify.com"))?.accessToken).toBe("t1");
    await cache.storeSession(session("t2"));
    expect((await viaWebhook(cache, "offline_a.myshopify.com"))?.accessToken).toBe("t2");
    await cache.deleteSession("offline_a.myshopify.com");
    expect(await viaWebhook(cache, "offline_a.myshopify.com")).toBeUndefined();
    await cache.storeSession(session("t3"));
    await cache.deleteSessions(["offline_a.myshopify.com"]);
    expect(await viaWebhook(cache, "offline_a.myshopify.com")).toBeUndefined();
    expect(inner.rows.size).toBe(0);
  });

  it("does not let a read that started before a store put the old session back", async () => {
    const inner = new CountingStorage();
    await inner.storeSession(session("old"));
    const cache = new CachedSessionStorage(inner, 60_000);
    const reading = viaWebhook(cache, "offline_a.myshopify.com");
    await cache.storeSession(session("new"));
    expect((await reading)?.accessToken).toBe("old");
    expect((await viaWebhook(cache, "offline_a.myshopify.com"))?.accessToken).toBe("new");
  });

  it("hands out copies: changing a loaded session does not change the cached one", async () => {
    const inner = new CountingStorage();
    await inner.storeSession(session("t1"));
    const cache = new CachedSessionStorage(inner, 60_000);
    const s = await viaWebhook(cache, "offline_a.myshopify.com");
    s!.accessToken = "changed";
    expect((await viaWebhook(cache, "offline_a.myshopify.com"))?.accessToken).toBe("t1");
  });

  it("outside a webhook delivery (pages, jobs, the command line) every load reads the stored session", async () => {
    const inner = new CountingStorage();
    await inner.storeSession(session("t1"));
    const cache = new CachedSessionStorage(inner, 60_000);
    expect((await viaWebhook(cache, "offline_a.myshopify.com"))?.accessToken).toBe("t1");
    await inner.storeSession(session("t2")); // changed elsewhere
    expect((await cache.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t2");
    expect((await cache.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t2");
    expect(inner.loads).toBe(3);
  });
});
