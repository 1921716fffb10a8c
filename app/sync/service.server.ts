// The shared sync module as the app's entry points use it (routes, webhooks, the schedule, the command line and
// the scenario runner): the engine bound to the app's database and to Shopify through the shop's offline session.
import type { Job } from "@prisma/client";
import prisma from "../db.server";
import shopify from "../shopify.server";
import { JobQueue, enqueue, type JobHandler } from "../jobs/queue";
import { ShopifyAuthError } from "../shopify/errors";
import { ShopifyGateway, adminTransport } from "../shopify/gateway";
import { addCustomersToShopify, sendInvites } from "./export";
import { syncCustomers, type SyncOptions } from "./import";
import { importOrders, assignOrderCustomer } from "./orders";
import { handleWebhook, type WebhookJob } from "./webhooks";
import { linkManually, unlink } from "./links";
import type { RunTrigger } from "./runs";

/** A gateway on the shop's offline session; a missing or revoked session is `authRequired`. */
export async function gatewayFor(shop: string): Promise<ShopifyGateway> {
  try {
    const { admin } = await shopify.unauthenticated.admin(shop);
    return new ShopifyGateway(adminTransport(admin));
  } catch (e) {
    if ((e as Error)?.name === "SessionNotFoundError" || /session/i.test((e as Error)?.message ?? "")) {
      throw new ShopifyAuthError(`The app has no valid access to ${shop}`);
    }
    throw e;
  }
}

async function withGateway<T>(shop: string, f: (gw: ShopifyGateway) => Promise<T>, kind: string, trigger: RunTrigger): Promise<T> {
  let gw: ShopifyGateway;
  try {
    gw = await gatewayFor(shop);
  } catch (e) {
    if (e instanceof ShopifyAuthError) await recordAuthRequired(shop, kind, trigger, e.message);
    throw e;
  }
  return f(gw);
}

/** A run that could not even start because the shop's session is gone: logged and flagged for the banner. */
async function recordAuthRequired(shop: string, kind: string, trigger: RunTrigger, message: string) {
  const run = await prisma.syncRun.create({ data: { shop, kind, trigger, status: "failed", endedAt: new Date(), message } });
  await prisma.syncLogEntry.create({ data: { shop, runId: run.id, level: "error", code: "authRequired", message: `${message}. Open the app in Shopify admin to grant access again.` } });
  await prisma.shopSettings.upsert({ where: { shop }, create: { shop, authRequired: true }, update: { authRequired: true } });
}

export const sync = {
  syncCustomers: (shop: string, o: SyncOptions) => withGateway(shop, (gateway) => syncCustomers({ db: prisma, shop, gateway }, o), "syncCustomers", o.trigger),
  addCustomersToShopify: (shop: string, nos: string[] | "all", trigger: RunTrigger) =>
    withGateway(shop, (gateway) => addCustomersToShopify({ db: prisma, shop, gateway }, nos, { trigger }), "addCustomersToShopify", trigger),
  importOrders: (shop: string, trigger: RunTrigger) => withGateway(shop, (gateway) => importOrders({ db: prisma, shop, gateway }, { trigger }), "importOrders", trigger),
  sendInvites: (shop: string, ids: string[], trigger: RunTrigger) => withGateway(shop, (gateway) => sendInvites({ db: prisma, shop, gateway }, ids, { trigger }), "sendInvites", trigger),
  linkManually: async (shop: string, shopifyCustomerId: string, erpCustomerNo: string) => {
    const gw = await gatewayFor(shop).catch(() => null);
    return linkManually(prisma, shop, shopifyCustomerId, erpCustomerNo, gw);
  },
  unlink: (shop: string, shopifyCustomerId: string) => unlink(prisma, shop, shopifyCustomerId),
  assignOrderCustomer: (shop: string, orderId: string, no: string) => assignOrderCustomer(prisma, shop, orderId, no),
};

export const jobHandlers: Record<string, JobHandler> = {
  webhook: async (job: Job, payload: WebhookJob) => {
    await handleWebhook(prisma, job.shop, payload, () => gatewayFor(job.shop));
    await prisma.webhookReceipt.updateMany({ where: { webhookId: payload.webhookId }, data: { status: "processed", processedAt: new Date() } });
  },
  syncCustomers: async (job: Job, payload: { trigger?: RunTrigger }) => {
    const summary = await sync.syncCustomers(job.shop, { trigger: payload.trigger ?? "schedule" });
    if (summary.status === "failed") throw new Error(summary.message || "The sync failed");
  },
  addCustomersToShopify: async (job: Job, payload: { nos: string[] | "all"; trigger?: RunTrigger }) => {
    const summary = await sync.addCustomersToShopify(job.shop, payload.nos, payload.trigger ?? "manual");
    if (summary.status === "failed") throw new Error(summary.message || "Adding customers to Shopify failed");
  },
  importOrders: async (job: Job, payload: { trigger?: RunTrigger }) => {
    await sync.importOrders(job.shop, payload.trigger ?? "schedule");
  },
};

let queue: JobQueue | null = null;
export function jobQueue(o?: { backoffScale?: number }): JobQueue {
  if (!queue) queue = new JobQueue(prisma, jobHandlers, { concurrency: 2, ...o });
  return queue;
}

/** "Add customers to Shopify" for a large selection, as a background job (its run shows in the sync log). */
export async function startExportInBackground(shop: string, nos: string[] | "all", trigger: RunTrigger) {
  return enqueue(prisma, { shop, kind: "addCustomersToShopify", key: `export:${shop}`, payload: { nos, trigger }, maxAttempts: 1 });
}

export async function startSyncInBackground(shop: string, trigger: RunTrigger) {
  return enqueue(prisma, { shop, kind: "syncCustomers", key: `sync:${shop}`, payload: { trigger }, maxAttempts: 1 });
}

export { prisma };
