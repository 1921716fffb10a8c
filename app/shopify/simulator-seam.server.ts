// The one seam between the app and Shopify's network: @shopify/shopify-api sends every Admin API call, token
// exchange and token refresh through its abstract fetch. Here it gets a timeout (a hung request must not hang a
// sync) and, only when SHOPIFY_SIMULATOR_URL is set, a rewrite of https://<shop>.myshopify.com/... to the
// local Shopify simulator, keeping path and query.
// No adapter import here: @shopify/shopify-app-remix sets its own (web-api); this only replaces the fetch afterwards.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

let installed: { simulatorUrl: string | null; timeoutMs: number } | null = null;

export function installShopifyFetch(opts: { simulatorUrl?: string | null; timeoutMs: number }) {
  const simulatorUrl = opts.simulatorUrl ? opts.simulatorUrl.replace(/\/$/, "") : null;
  if (installed && installed.simulatorUrl === simulatorUrl && installed.timeoutMs === opts.timeoutMs) return;
  installed = { simulatorUrl, timeoutMs: opts.timeoutMs };
  const realFetch = globalThis.fetch.bind(globalThis);
  setAbstractFetchFunc(async (input: any, init?: any) => {
    let url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers ?? (typeof input === "object" && "headers" in input ? input.headers : undefined));
    if (simulatorUrl) {
      const u = new URL(url);
      if (u.hostname.endsWith(".myshopify.com")) {
        headers.set("X-Sim-Shop-Domain", u.hostname);
        url = simulatorUrl + u.pathname + u.search;
      }
    }
    const signals = [AbortSignal.timeout(opts.timeoutMs)];
    if (init?.signal) signals.push(init.signal);
    return realFetch(url, { ...init, headers, signal: AbortSignal.any(signals) });
  });
}
