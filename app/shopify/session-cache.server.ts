// Session storage with a short-lived in-process cache in front of the database, used only while a webhook delivery
// is authenticated (`whileReceivingWebhooks`). `authenticate.webhook` loads the shop's offline session for every
// delivery although the receive path never uses it; under a burst that was one database query per delivery. Pages,
// jobs and the command line always read the stored session (a stale one there, seen in browser tests, broke admin
// requests). Writes and deletes made through this storage update the cache at once; a change made elsewhere is seen
// by the webhook path within `ttlMs`. Sessions are handed out as copies.
import { AsyncLocalStorage } from "node:async_hooks";
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

interface Entry {
  session: Session | undefined;
  at: number;
}

const webhookScope = new AsyncLocalStorage<boolean>();

/** Run `work` (the authentication of a webhook delivery) with session loads served from the cache. */
export function whileReceivingWebhooks<T>(work: () => Promise<T>): Promise<T> {
  return webhookScope.run(true, work);
}

export class CachedSessionStorage implements SessionStorage {
  private cache = new Map<string, Entry>();
  /** Loads in flight, so that a burst of deliveries for one shop reads the database once. */
  private loading = new Map<string, Promise<Session | undefined>>();
  private generation = 0;

  constructor(
    readonly inner: SessionStorage,
    private ttlMs = 5_000,
    private now: () => number = Date.now,
    private maxEntries = 10_000,
  ) {}

  async loadSession(id: string): Promise<Session | undefined> {
    if (!webhookScope.getStore()) return this.inner.loadSession(id);
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return copy(hit.session);
    let pending = this.loading.get(id);
    if (!pending) {
      const generation = this.generation;
      pending = this.inner.loadSession(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
      const loaded = await pending;
      // A store or delete that happened while the read was in flight wins over what the read returned.
      if (generation === this.generation) this.remember(id, loaded);
      return copy(loaded);
    }
    return copy(await pending);
  }

  async storeSession(session: Session): Promise<boolean> {
    this.generation++;
    this.cache.delete(session.id);
    const ok = await this.inner.storeSession(session);
    if (ok) this.remember(session.id, session);
    return ok;
  }

  async deleteSession(id: string): Promise<boolean> {
    this.generation++;
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    this.generation++;
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }

  /** Forget everything cached (tests, or after the sessions table was changed directly). */
  clear() {
    this.generation++;
    this.cache.clear();
  }

  private remember(id: string, session: Session | undefined) {
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(id, { session: copy(session), at: this.now() });
  }
}

function copy(session: Session | undefined): Session | undefined {
  return session ? new Session(session.toObject()) : undefined;
}
