// What the webhook topics do (spec §10), as jobs run by the queue. The HTTP side (HMAC, receipts) is in
// app/webhooks/receive.server.ts.
import type { PrismaClient } from "@prisma/client";
import { customerFromRest, customerGid, orderFromRest, orderGid } from "../shopify/adapters";
import { FinalJobError } from "../jobs/queue";
import { levelOf } from "./codes";
import type { ShopifyGateway } from "../shopify/gateway";
import { loadContext } from "./context";
import { processPage } from "./import";
import { processOrder } from "./orders";
import { finishRun, startRun } from "./runs";
import { dataRequestReport, isRedactedCustomer, redactCustomer, redactShop } from "./privacy";

export interface WebhookJob {
  topic: string;
  payload: any;
  webhookId: string;
}

/** The queue key: jobs for one Shopify customer never run concurrently. */
export function webhookJobKey(topic: string, payload: any): string {
  if (topic.startsWith("customers/") && topic !== "customers/data_request" && topic !== "customers/redact") {
    return customerIdOf(payload);
  }
  if (topic === "orders/create" && payload?.customer && customerIdOf(payload.customer)) return customerIdOf(payload.customer);
  if (topic === "customers/redact" || topic === "customers/data_request") return customerGid(payload?.customer?.id);
  // A guest order works on the ERP master too (matching, the order's customer), and shop/redact deletes it: both take
  // the shop's turn like every keyed job, instead of running beside a Sync.
  if (topic === "orders/create") return orderGid(payload?.admin_graphql_api_id || payload?.id) || topic;
  if (topic === "shop/redact") return topic;
  return "";
}

/** Shopify's order lists of the privacy requests (orders_requested, orders_to_redact): numbers, as order gids. */
function orderIdsOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((id) => orderGid(id)).filter((id) => ORDER_GID.test(id));
}

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/[1-9]\d{0,19}$/;
const ORDER_GID = /^gid:\/\/shopify\/Order\/[1-9]\d{0,19}$/;
const customerIdOf = (p: any) => (p?.admin_graphql_api_id ? String(p.admin_graphql_api_id) : customerGid(p?.id));

/**
 * Why a delivery can never be processed (its payload names no valid Shopify id), or null. Such a delivery is logged
 * once with `invalidPayload` and its job fails at once: a retry cannot give it an id.
 */
export function payloadProblem(topic: string, payload: any): string | null {
  switch (topic) {
    case "customers/create":
    case "customers/update":
    case "customers/delete":
      return CUSTOMER_GID.test(customerIdOf(payload)) ? null : "it names no valid customer id";
    case "orders/create":
      if (!ORDER_GID.test(orderGid(payload?.admin_graphql_api_id || payload?.id))) return "it names no valid order id";
      // A customer block without an id names no customer (a guest order); one with an id must be a valid one.
      if (payload?.customer && (payload.customer.id != null || payload.customer.admin_graphql_api_id != null) && !CUSTOMER_GID.test(customerIdOf(payload.customer))) {
        return "its customer has no valid id";
      }
      return null;
    case "customers/redact":
    case "customers/data_request":
      return CUSTOMER_GID.test(customerGid(payload?.customer?.id)) ? null : "it names no valid customer id";
    default:
      return null;
  }
}

/**
 * A record whose writes failed (typically: two jobs of different customers took the same next ERP customer number
 * at the same moment) is logged by the run, but the job must not end as done, or the customer is lost until a full
 * Sync reads it again (never, under withOrderImport). The job fails and the queue retries it with a fresh context.
 */
function retryWhenFailed(failed: number) {
  if (failed > 0) throw new Error(`${failed} record(s) could not be saved; the webhook is processed again`);
}

/** Topics that bring a shop's data in (a customer, an order). */
const DATA_TOPICS = new Set(["customers/create", "customers/update", "orders/create"]);

/**
 * What a webhook job did: `processed`; `notInstalled` — a customer or order delivery for a shop without an offline
 * session (app/uninstalled removed it; installing again stores a new one): the shop's data is kept as it was until
 * shop/redact, not updated by an app the merchant removed; `shopGone` — the shop was redacted (no session and nothing
 * stored): a late or replayed delivery must not store anything of it again, so its receipt and job go too.
 */
export type WebhookOutcome = "processed" | "notInstalled" | "shopGone";

async function installed(db: PrismaClient, shop: string) {
  return (await db.session.count({ where: { shop } })) > 0;
}

/** Nothing of the shop is stored: after shop/redact (or a shop that never installed the app). */
async function nothingStored(db: PrismaClient, shop: string) {
  const where = { where: { shop } };
  const [settings, erp, mirrors, orders] = await Promise.all([
    db.shopSettings.count(where),
    db.erpCustomer.count(where),
    db.mirrorCustomer.count(where),
    db.importedOrder.count(where),
  ]);
  return settings + erp + mirrors + orders === 0;
}

export async function handleWebhook(db: PrismaClient, shop: string, job: WebhookJob, gateway: () => Promise<ShopifyGateway>): Promise<WebhookOutcome> {
  const { topic, payload } = job;
  if (topic !== "app/uninstalled" && topic !== "shop/redact" && !(await installed(db, shop))) {
    if (await nothingStored(db, shop)) return "shopGone";
    if (DATA_TOPICS.has(topic)) return "notInstalled";
  }
  const problem = payloadProblem(topic, payload);
  if (problem) {
    const message = `The ${topic} delivery ${job.webhookId} cannot be processed: ${problem}.`;
    const run = await db.syncRun.create({ data: { shop, kind: "webhook", trigger: "webhook", status: "failed", endedAt: new Date(), message } });
    await db.syncLogEntry.create({ data: { shop, runId: run.id, level: levelOf("invalidPayload"), code: "invalidPayload", message } });
    throw new FinalJobError(message);
  }
  await handleTopic(db, shop, topic, payload, gateway);
  return "processed";
}

async function handleTopic(db: PrismaClient, shop: string, topic: string, payload: any, gateway: () => Promise<ShopifyGateway>) {
  switch (topic) {
    case "customers/create":
    case "customers/update": {
      const run = await startRun(db, shop, "webhook", "webhook");
      // Two versions of a customer within one second are settled by reading it from Shopify (customers.ts).
      const ctx = await loadContext(db, shop, await gateway().catch(() => null), run.id);
      const s = ctx.settings;
      let failed = 0;
      try {
        const importing = s.customerImport === "allCustomers" || (s.customerImport === "withOrderImport" && s.shopifyCanUpdateCustomers);
        const customer = customerFromRest(payload);
        // A delivery about a customer Shopify has deleted arrived late (after customers/delete): Shopify never reuses
        // a customer id, so it must not bring the mirror back, link it or create an ERP customer for it.
        const deleted = await db.mirrorCustomer.count({ where: { shop, shopifyId: customer.id, deletedInShopify: true } });
        // Likewise a delivery sent before the customer's data was erased (customers/redact) and delivered after it.
        if (importing && !deleted && !(await isRedactedCustomer(db, shop, customer.id))) {
          await processPage(ctx, [customer], { purpose: "sync" }, s.customerImport === "withOrderImport");
        }
        failed = (await finishRun(ctx, run.id)).counts.failed;
      } catch (e) {
        await finishRun(ctx, run.id, e);
        throw e;
      }
      retryWhenFailed(failed);
      return;
    }
    case "customers/delete": {
      const id = payload?.admin_graphql_api_id ?? customerGid(payload?.id);
      // Nothing is kept of a redacted customer, not even a row saying it was deleted.
      if (await isRedactedCustomer(db, shop, id)) return;
      const deleted = { deletedInShopify: true, erpCustomerNo: "", linkSource: "", needsMatch: false };
      await db.$transaction([
        // A customer the app has not mirrored yet gets a mirror row that says so (an id, nothing else): a
        // customers/create sent before the deletion and delivered after it must not bring the customer in.
        db.mirrorCustomer.upsert({ where: { shop_shopifyId: { shop, shopifyId: id } }, create: { shop, shopifyId: id, ...deleted }, update: deleted }),
        db.mirrorAddress.updateMany({ where: { shop, customerShopifyId: id }, data: { erpCustomerNo: "" } }),
      ]);
      return;
    }
    case "orders/create": {
      const run = await startRun(db, shop, "webhook", "order");
      const ctx = await loadContext(db, shop, null, run.id);
      let failed = 0;
      try {
        ctx.counts.read++;
        await processOrder(ctx, orderFromRest(payload));
        failed = (await finishRun(ctx, run.id)).counts.failed;
      } catch (e) {
        await finishRun(ctx, run.id, e);
        throw e;
      }
      retryWhenFailed(failed);
      return;
    }
    case "app/uninstalled":
      await db.session.deleteMany({ where: { shop } });
      return;
    case "customers/data_request":
      await dataRequestReport(db, shop, customerGid(payload?.customer?.id), { orderIds: orderIdsOf(payload?.orders_requested) });
      return;
    case "customers/redact":
      await redactCustomer(db, shop, customerGid(payload?.customer?.id), { orderIds: orderIdsOf(payload?.orders_to_redact), email: typeof payload?.customer?.email === "string" ? payload.customer.email : "" });
      return;
    case "shop/redact":
      await redactShop(db, shop);
      return;
    default:
      return;
  }
}
