// Receiving a webhook: authenticate (HMAC; a wrong one is a 401 and nothing is stored), record the delivery by
// webhook id and event id (a duplicate gets 200 and no work), hand the work to the job queue, answer at once.
import type { Database, Statement } from "better-sqlite3";
import { writeDirect } from "../db.server";
import { authenticate } from "../shopify.server";
import { whileReceivingWebhooks } from "../shopify/session-cache.server";
import { jobRow } from "../jobs/queue";
import { sqliteDate } from "../sync/bulk-insert";
import { webhookJobKey } from "../sync/webhooks";

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
 * read whole, so a sender without the secret cannot fill the server's memory. Shopify's payloads are far smaller.
 */
export function webhookMaxBytes(): number {
  const n = Number(process.env.WEBHOOK_MAX_BYTES);
  return Number.isInteger(n) && n > 0 ? n : 10 * 1024 * 1024;
}

class TooLarge extends Error {}

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
 * The delivery as `authenticate.webhook` reads it: method, raw body, content type and Shopify's headers
 * (`X-Shopify-*` for webhooks, `Shopify-*` for events). The library canonicalises every header of the request on each
 * of its dozen header lookups; behind a proxy or CDN a delivery carries twenty headers or more, and handing it only
 * Shopify's halves the cost of authentication — the largest part of answering a delivery (bench/README.md).
 */
export async function forAuthentication(request: Request, limit = webhookMaxBytes()): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (name.startsWith("x-shopify-") || name.startsWith("shopify-") || name === "content-type") headers.set(name, value);
  }
  const body = request.method === "POST" ? await readBody(request, limit) : undefined;
  return new Request(request.url, { method: request.method, headers, body });
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

export async function receiveWebhook(request: Request): Promise<Response> {
  let context: any;
  try {
    const forAuth = await forAuthentication(request);
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
      const group = pending.splice(0, GROUP);
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
 * The receipts and jobs of a group in one transaction: a job is never lost behind a stored receipt (a failed job
 * insert fails the group and Shopify's retry is processed, not taken for a duplicate). A delivery is a duplicate when
 * its webhook id, or its (shop, topic, event id), was seen before or earlier in the group: its receipt insert does
 * nothing (`ON CONFLICT DO NOTHING`, no failing statement) and it gets no job. Written directly on SQLite
 * (`writeDirect`, app/db.server.ts): this is the app's hottest write.
 */
async function record(group: Delivery[]) {
  const now = sqliteDate(new Date());
  await writeDirect((db) => {
    const st = statementsFor(db);
    for (const d of group) {
      if (st.receipt.run(d.shop, d.webhookId, d.eventId, d.topic, now).changes !== 1) continue;
      const job = jobRow({ shop: d.shop, kind: "webhook", key: webhookJobKey(d.topic, d.payload), payload: { topic: d.topic, payload: d.payload, webhookId: d.webhookId } });
      st.job.run(job.shop, job.kind, job.key, job.payload, job.maxAttempts, now, now);
    }
  });
}

const statements = new WeakMap<object, { receipt: Statement; job: Statement }>();
function statementsFor(db: Database) {
  let st = statements.get(db);
  if (!st) {
    st = {
      receipt: db.prepare(
        `INSERT INTO "WebhookReceipt" ("shop", "webhookId", "eventId", "topic", "receivedAt", "status") VALUES (?, ?, ?, ?, ?, 'received') ON CONFLICT DO NOTHING`,
      ),
      job: db.prepare(
        `INSERT INTO "Job" ("shop", "kind", "key", "payload", "status", "attempts", "maxAttempts", "runAt", "lockedBy", "lastError", "createdAt")
         VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, '', '', ?)`,
      ),
    };
    statements.set(db, st);
  }
  return st;
}
