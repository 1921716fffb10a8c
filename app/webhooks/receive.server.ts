// Receiving a webhook: authenticate (HMAC; a wrong one is a 401 and nothing is stored), record the delivery by
// webhook id and event id (a duplicate gets 200 and no work), hand the work to the job queue, answer at once.
import { BUSY, tryWriteDirect } from "../db.server";
import { authenticate } from "../shopify.server";
import { whileReceivingWebhooks } from "../shopify/session-cache.server";
import { jobRow } from "../jobs/queue";
import { sqliteDate } from "../sync/bulk-insert";
import { webhookJobKey } from "../sync/webhooks";
import { addToInbox, moveInbox, prepareInbox, recordInDatabase, type Recordable } from "./inbox.server";

export function normalizeTopic(topic: string): string {
  // The library gives "CUSTOMERS_UPDATE"; the app speaks "customers/update".
  if (topic.includes("/")) return topic.toLowerCase();
  const t = topic.toLowerCase();
  const i = t.indexOf("_");
  return i < 0 ? t : `${t.slice(0, i)}/${t.slice(i + 1)}`;
}

interface Delivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  payload: unknown;
  done: (error?: unknown) => void;
}

/**
 * The largest delivery body accepted (WEBHOOK_MAX_BYTES, default 10 MB): larger ones are answered 413 before they are
 * read whole (all bodies being read together are held to WEBHOOK_MAX_INFLIGHT_BYTES, app/webhooks/node-http.server.ts).
 * Shopify's payloads are far smaller.
 */
export function webhookMaxBytes(): number {
  const n = Number(process.env.WEBHOOK_MAX_BYTES);
  return Number.isInteger(n) && n > 0 ? n : 10 * 1024 * 1024;
}

export class TooLarge extends Error {}

/** The body as text, read up to `limit` bytes (a Content-Length above it is refused before reading anything). */
async function readBody(request: Request, limit: number): Promise<string> {
  const length = request.headers.get("content-length");
  if (length !== null && /^\d+$/.test(length)) {
    if (Number(length) > limit) throw new TooLarge();
    return request.text(); // the HTTP server delivers no more than Content-Length bytes
  }
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The headers `authenticate.webhook` needs and the app uses: the signature, topic, shop, API version, webhook id and
 * event id (`X-Shopify-*` for webhooks, `Shopify-*` for events). The library canonicalises every header it is given on
 * each of its dozen header lookups (a regular expression per header per lookup): behind a proxy or CDN a delivery
 * carries twenty headers or more, and authentication cost grows with each (bench/README.md).
 */
export const AUTHENTICATION_HEADERS = new Set(
  ["hmac-sha256", "topic", "shop-domain", "api-version", "webhook-id", "event-id"].flatMap((h) => [`x-shopify-${h}`, `shopify-${h}`]),
);

/** A delivery as an HTTP server hands it over: method, URL, headers (lower-case names) and its body, read on demand. */
export interface IncomingDelivery {
  method: string;
  url: string;
  headers: Iterable<[string, string | string[] | undefined]>;
  /** The body as text; throws `TooLarge` past `limit` bytes (before reading anything when Content-Length says so). */
  readBody(limit: number): Promise<string>;
}

/**
 * The delivery as `authenticate.webhook` reads it: method, URL, raw body and the headers above. The library reads
 * `method`, `url`, `headers` and `text()` of the request it is given (its web-API adapter), so the body read here is
 * handed over as it is, not wrapped in a Request and read again.
 */
export async function forAuthentication(delivery: IncomingDelivery, limit = webhookMaxBytes()): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of delivery.headers) if (typeof value === "string" && AUTHENTICATION_HEADERS.has(name)) headers.set(name, value);
  const body = delivery.method === "POST" ? await delivery.readBody(limit) : "";
  return { method: delivery.method, url: delivery.url, headers, text: async () => body } as unknown as Request;
}

const text = (status: number, message: string) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * A signed delivery that cannot be a Shopify webhook: its body is not JSON, or its shop header is not a shop domain.
 * Answered 400 with the reason (nothing is stored); the library would otherwise end the request with a 500.
 */
function malformed(e: unknown): Response | null {
  if (e instanceof TooLarge) return text(413, `Webhook delivery too large: more than ${webhookMaxBytes()} bytes.`);
  const reason =
    e instanceof SyntaxError ? "the body is not JSON" : (e as Error)?.constructor?.name === "InvalidShopError" ? "X-Shopify-Shop-Domain is not a shop domain" : null;
  return reason ? text(400, `Malformed webhook delivery: ${reason}.`) : null;
}

/** The webhook route (app/routes/webhooks.tsx): a delivery as a Fetch API request. */
export function receiveWebhook(request: Request): Promise<Response> {
  return receiveDelivery({ method: request.method, url: request.url, headers: request.headers, readBody: (limit) => readBody(request, limit) });
}

/**
 * Receive one delivery: authenticate it (a wrong HMAC is a 401 and nothing is stored), record it (a duplicate gets a
 * 200 and no work), answer. Behind the webhook route and behind the app server's direct path for webhooks
 * (app/webhooks/node-http.server.ts).
 */
export async function receiveDelivery(delivery: IncomingDelivery): Promise<Response> {
  prepareInboxOnce();
  let context: any;
  try {
    const forAuth = await forAuthentication(delivery);
    context = await whileReceivingWebhooks(() => authenticate.webhook(forAuth));
  } catch (e) {
    const answer = malformed(e);
    if (answer) return answer;
    throw e;
  }
  const { topic: rawTopic, shop, payload, webhookId, eventId } = context;
  // Every webhook and event payload is a JSON object; anything else would fail in its job forever.
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return text(400, "Malformed webhook delivery: the body is not a JSON object.");
  const topic = normalizeTopic(String(rawTopic));
  await new Promise<void>((resolve, reject) => {
    pending.push({ shop, topic, webhookId: String(webhookId), eventId: eventId ? String(eventId) : null, payload, done: (e) => (e ? reject(e) : resolve()) });
    if (!flushing) flushing = flush();
  });
  return new Response(null, { status: 200 });
}

// Deliveries are recorded in groups: the deliveries that arrive while one group is being written go together into
// the next transaction (a receipt and a job each). Under a burst this keeps
// the answer time short; a lone delivery is written at once. Until its group is committed a delivery is not
// answered, and if the group fails every delivery of it gets a 500 and Shopify sends it again.
const pending: Delivery[] = [];
let flushing: Promise<void> | null = null;
const GROUP = 200;

async function flush() {
  try {
    await new Promise((r) => setImmediate(r));
    while (pending.length) {
      const group = prepared(pending.splice(0, GROUP));
      if (!group.length) continue;
      try {
        await record(group);
        for (const d of group) d.done();
      } catch (e) {
        for (const d of group) d.done(e);
      }
    }
  } finally {
    flushing = null;
  }
}

/**
 * Each delivery's job row, built before the group's transaction: a delivery whose job cannot be built fails alone
 * (500, sent again), not every delivery of its group.
 */
function prepared(group: Delivery[]) {
  const ready: Array<Delivery & { job: ReturnType<Recordable["job"]> }> = [];
  for (const d of group) {
    try {
      const job = jobRow({ shop: d.shop, kind: "webhook", key: webhookJobKey(d.topic, d.payload), payload: { topic: d.topic, payload: d.payload, webhookId: d.webhookId } });
      ready.push({ ...d, job: { kind: job.kind, key: job.key, payload: job.payload, maxAttempts: job.maxAttempts } });
    } catch (e) {
      d.done(e);
    }
  }
  return ready;
}

/**
 * The receipts and jobs of a group in one transaction: a job is never lost behind a stored receipt (a failed job
 * insert fails the group and Shopify's retry is processed, not taken for a duplicate). A delivery is a duplicate when
 * its webhook id, or its (shop, topic, event id), was seen before or earlier in the group: it gets no job
 * (`recordInDatabase`). Written directly on SQLite (`tryWriteDirect`, app/db.server.ts): this is the app's hottest
 * write. One attempt at the database's write lock: while another writer holds it (the worker in a job's transaction)
 * the group goes into the webhook inbox instead, and is moved into the database moments later (inbox.server.ts).
 */
async function record(group: Array<Delivery & { job: ReturnType<Recordable["job"]> }>) {
  const receivedAt = sqliteDate(new Date());
  const deliveries: Recordable[] = group.map((d) => ({ shop: d.shop, webhookId: d.webhookId, eventId: d.eventId, topic: d.topic, receivedAt, job: () => d.job }));
  if (tryWriteDirect((db) => recordInDatabase(db, deliveries)) !== BUSY) {
    recorded.direct += group.length;
    return;
  }
  await addToInbox(deliveries);
  recorded.inbox += group.length;
  moveSoon();
}

/**
 * At the first delivery: create the inbox if there is none (better then than in a burst), and move what an earlier
 * run of the web process left in it. An inbox that cannot be opened (a corrupt file, a read-only folder) is reported
 * once; deliveries still go straight to the database, and only those that find it busy fail (500, sent again).
 */
let inboxPrepared = false;
function prepareInboxOnce() {
  if (inboxPrepared) return;
  inboxPrepared = true;
  try {
    prepareInbox();
    moveSoon();
  } catch (e) {
    console.error((e as Error)?.message ?? String(e));
  }
}

/** Deliveries this process recorded in the database at once, and in the inbox (the benchmark reports them). */
export const recorded = { direct: 0, inbox: 0 };

// The web process moves what it put into the inbox as soon as the database is free, without waiting for its lock:
// tries a few milliseconds apart, further apart while the lock stays taken. The job queue moves the inbox too.
let moveTimer: NodeJS.Timeout | null = null;
function moveSoon(delayMs = 2) {
  if (moveTimer) return;
  moveTimer = setTimeout(async () => {
    let next: number | null = null;
    try {
      const { left } = await moveInbox({ wait: false });
      if (left) next = Math.min(delayMs * 2, 250);
    } catch (e) {
      console.error(`Moving webhook deliveries from the inbox failed (the job queue tries again): ${(e as Error)?.message ?? e}`);
      next = 1000;
    } finally {
      moveTimer = null;
    }
    if (next !== null) moveSoon(next);
  }, delayMs);
  moveTimer.unref?.();
}
