// Webhook deliveries straight from Node's HTTP server to the receive path, without converting them into a Fetch API
// Request and through Remix's request handler first: that conversion and routing cost as much CPU as authenticating
// and recording the delivery (bench/README.md). The app server (server.ts), the demo and the test harness route
// `POST /webhooks` here; everything else goes to Remix. The Remix route (app/routes/webhooks.tsx) stays for
// `npm run dev` and behaves the same (both call `receiveDelivery`).
import type { IncomingMessage, ServerResponse } from "node:http";
import { AUTHENTICATION_HEADERS, TooLarge, receiveDelivery, webhookMaxBytes } from "./receive.server";

/** The webhook path of the app server. */
export const WEBHOOK_PATH = "/webhooks";

/** Whether a request is a webhook delivery for `handleWebhookRequest` (a POST to /webhooks, any query). */
export function isWebhookRequest(req: IncomingMessage): boolean {
  if (req.method !== "POST" || !req.url) return false;
  const q = req.url.indexOf("?");
  return (q < 0 ? req.url : req.url.slice(0, q)) === WEBHOOK_PATH;
}

/**
 * Bodies being read before their signature is checked, all connections together, are held to this many bytes
 * (WEBHOOK_MAX_INFLIGHT_BYTES; default: 4 × WEBHOOK_MAX_BYTES, at least 64 MB). One body is capped by
 * WEBHOOK_MAX_BYTES; without a total, a sender without the secret could open hundreds of connections with nearly
 * full-size bodies and fill the server's memory. A delivery over the total is answered 503 with Retry-After (Shopify
 * sends it again); Shopify's own payloads are a few kilobytes.
 */
export function webhookMaxInflightBytes(): number {
  const n = Number(process.env.WEBHOOK_MAX_INFLIGHT_BYTES);
  return Number.isInteger(n) && n > 0 ? n : Math.max(4 * webhookMaxBytes(), 64 * 1024 * 1024);
}
let inflightBytes = 0;
class Busy extends Error {}
/** The sender closed its connection before its body was read whole. */
class SenderGone extends Error {}

export async function handleWebhookRequest(req: IncomingMessage, res: ServerResponse, origin = "http://localhost"): Promise<void> {
  let response: Response;
  const held = { bytes: 0 };
  try {
    const repeated = repeatedHeader(req);
    if (repeated) {
      response = new Response(`Malformed webhook delivery: the ${repeated} header is repeated.`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    } else {
      response = await receiveDelivery({ method: req.method ?? "POST", url: origin + (req.url ?? WEBHOOK_PATH), headers: Object.entries(req.headers), readBody: (limit) => readNodeBody(req, limit, held) });
    }
  } catch (thrown) {
    if (thrown instanceof Response) response = thrown;
    else if (thrown instanceof Busy) response = new Response("Too many webhook deliveries are being read; send it again later.", { status: 503, headers: { "Retry-After": "5" } });
    else if (thrown instanceof SenderGone || res.destroyed || req.socket?.destroyed) {
      // The sender went away in the middle of its body (its timeout, a dropped connection): nothing to answer, nothing
      // stored; Shopify sends the delivery again.
      return;
    } else {
      console.error(`Webhook delivery failed: ${(thrown as Error)?.stack ?? thrown}`);
      response = new Response("Internal error", { status: 500 });
    }
  } finally {
    inflightBytes -= held.bytes;
    held.bytes = 0;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // A body refused (too large, too many at once) is not read: the connection is closed after the answer instead.
  if (response.status === 413 || response.status === 503) headers.connection = "close";
  if (res.destroyed) return;
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

/** A Shopify header the delivery carries more than once (Node would join the values with ", "). */
function repeatedHeader(req: IncomingMessage): string | null {
  const seen = new Set<string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (!AUTHENTICATION_HEADERS.has(name)) continue;
    if (seen.has(name)) return req.rawHeaders[i];
    seen.add(name);
  }
  return null;
}

/** Read the body up to `limit` bytes, counting what it holds in `held` towards the total of bodies being read. */
function readNodeBody(req: IncomingMessage, limit: number, held: { bytes: number }): Promise<string> {
  const length = req.headers["content-length"];
  if (length !== undefined && /^\d+$/.test(length) && Number(length) > limit) return Promise.reject(new TooLarge());
  const max = webhookMaxInflightBytes();
  const take = (n: number) => {
    if (inflightBytes + n > max) return false;
    inflightBytes += n;
    held.bytes += n;
    return true;
  };
  // A body that says its length reserves it at once, so that a burst of large bodies is refused before it is read.
  if (length !== undefined && /^\d+$/.test(length) && !take(Number(length))) return Promise.reject(new Busy());
  const reserved = held.bytes;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (e: Error) => {
      req.off("data", onData);
      req.pause();
      reject(e);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop(new TooLarge());
      if (size > reserved && !take(Math.min(chunk.length, size - reserved))) return stop(new Busy());
      chunks.push(chunk);
    };
    req.on("data", onData);
    let ended = false;
    req.once("end", () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.once("error", reject);
    // A connection closed before the body's end is a sender gone away (every request closes after its end).
    req.once("close", () => {
      if (!ended) reject(new SenderGone());
    });
  });
}
