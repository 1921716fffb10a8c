// The shared sync module as the app's entry points use it (routes, webhooks, the schedule, the command line and
// the scenario runner): the engine bound to the app's database and to Shopify through the shop's offline session.
import type { Job } from "@prisma/client";
import prisma from "../db.server";
import shopify from "../shopify.server";
import { FinalJobError, JobQueue, enqueue, jobRow, tryShopLock, type EnqueueInput, type JobHandler } from "../jobs/queue";
import { ShopifyAuthError } from "../shopify/errors";
import { ShopifyGateway, adminTransport, type GraphqlTransport } from "../shopify/gateway";
import { addCustomersToShopify, sendInvites } from "./export";
import { syncCustomers, type SyncOptions } from "./import";
import { importOrders, assignOrderCustomer } from "./orders";
import { handleWebhook, type WebhookJob } from "./webhooks";
import { moveInbox } from "../webhooks/inbox.server";
import { linkManually, unlink } from "./links";
import type { RunSummary, RunTrigger } from "./runs";

/** A gateway on the shop's offline session; a missing or revoked session is `authRequired`. */
export async function gatewayFor(shop: string): Promise<ShopifyGateway> {
  return new ShopifyGateway(await transportFor(shop));
}

/** The Admin API transport on the shop's offline session (a token Shopify refuses is dropped, see below). */
async function transportFor(shop: string): Promise<GraphqlTransport> {
  try {
    const { admin } = await shopify.unauthenticated.admin(shop);
    const transport = adminTransport(admin);
    return async (query, variables) => {
      try {
        return await transport(query, variables);
      } catch (e) {
        if (e instanceof ShopifyAuthError) await forgetRefusedToken(shop);
        throw e;
      }
    };
  } catch (e) {
    if ((e as Error)?.name === "SessionNotFoundError" || /session/i.test((e as Error)?.message ?? "")) {
      throw new ShopifyAuthError(`The app has no valid access to ${shop}`);
    }
    throw e;
  }
}

/**
 * A gateway that reads the shop's offline session only when it first sends a request: a webhook job has one at hand
 * for the rare case it needs Shopify (two versions of a customer within one second) without loading the session and
 * building the Admin API client for every delivery. A missing or revoked session fails that first request.
 */
export function lazyGatewayFor(shop: string): ShopifyGateway {
  let real: Promise<GraphqlTransport> | null = null;
  return new ShopifyGateway(async (query, variables) => {
    real ??= transportFor(shop).catch((e) => {
      real = null;
      throw e;
    });
    return (await real)(query, variables);
  });
}

/**
 * Shopify refused the stored offline token (revoked, or the app's scopes changed): the token is dropped, as the
 * library does when a page's request is refused, so the next time the app is opened in Shopify admin a new one is
 * exchanged (which clears authRequired, app/shopify.server.ts) instead of the refused one being used again.
 */
async function forgetRefusedToken(shop: string) {
  const sessions = await shopify.sessionStorage!.findSessionsByShop(shop);
  for (const session of sessions) {
    if (session.isOnline || !session.accessToken) continue;
    session.accessToken = undefined;
    await shopify.sessionStorage!.storeSession(session);
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
    let outcome: Awaited<ReturnType<typeof handleWebhook>>;
    try {
      outcome = await handleWebhook(prisma, job.shop, payload, async () => lazyGatewayFor(job.shop));
    } catch (e) {
      // A redaction request that cannot be carried out (at once, or after its last attempt) keeps nothing of what it
      // asked to erase.
      if (payload.topic === "customers/redact" && (e instanceof FinalJobError || job.attempts >= job.maxAttempts)) {
        await prisma.job.updateMany({ where: { id: job.id }, data: { payload: "{}" } });
      }
      throw e;
    }
    if (outcome === "shopGone") {
      // A redacted shop keeps no row: not this delivery's receipt, nor its job with the payload (the queue's
      // bookkeeping tolerates the job's row being gone).
      await prisma.$transaction([
        prisma.webhookReceipt.deleteMany({ where: { shop: job.shop, webhookId: payload.webhookId } }),
        prisma.job.deleteMany({ where: { id: job.id } }),
      ]);
      return;
    }
    await prisma.webhookReceipt.updateMany({ where: { webhookId: payload.webhookId }, data: { status: outcome === "processed" ? "processed" : "skipped", processedAt: new Date() } });
    // The delivery's payload (a customer's name, email, phone and addresses) is kept only until its work is done: the
    // mirror and the ERP customer hold what the app keeps. A failed job keeps it, to be retried.
    return { donePayload: JSON.stringify({ topic: payload.topic, webhookId: payload.webhookId }) };
  },
  syncCustomers: async (job: Job, payload: { trigger?: RunTrigger }) => {
    // Without access to the shop a retry cannot help: the run is logged as authRequired, the shop is flagged (the
    // banner on Home, the schedule waits) and the job fails at once. Opening the app again grants access.
    const summary = await sync.syncCustomers(job.shop, { trigger: payload.trigger ?? "schedule" }).catch((e) => {
      throw e instanceof ShopifyAuthError ? new FinalJobError(`${e.message} (authRequired)`) : e;
    });
    if (summary.status === "failed") {
      const flagged = await prisma.shopSettings.findUnique({ where: { shop: job.shop }, select: { authRequired: true } });
      if (flagged?.authRequired) throw new FinalJobError(`${summary.message || "The sync failed"} (authRequired)`);
      throw new Error(summary.message || "The sync failed");
    }
  },
  addCustomersToShopify: async (job: Job, payload: { nos: string[] | "all"; trigger?: RunTrigger }) => {
    const summary = await sync.addCustomersToShopify(job.shop, payload.nos, payload.trigger ?? "manual");
    if (summary.status === "failed") throw new Error(summary.message || "Adding customers to Shopify failed");
  },
  importOrders: async (job: Job, payload: { trigger?: RunTrigger }) => {
    await sync.importOrders(job.shop, payload.trigger ?? "schedule");
  },
  sendInvites: async (job: Job, payload: { ids: string[]; trigger?: RunTrigger }) => {
    const summary = await sync.sendInvites(job.shop, payload.ids, payload.trigger ?? "manual");
    if (summary.status === "failed") throw new Error(summary.message || "Sending account invites failed");
  },
};

let queue: JobQueue | null = null;
export function jobQueue(o?: { backoffScale?: number; onFailure?: (job: Job, message: string, final: boolean) => void }): JobQueue {
  // Before each claim, webhook deliveries recorded in the inbox while the database was busy become receipts and jobs.
  if (!queue) queue = new JobQueue(prisma, jobHandlers, { concurrency: 2, beforeClaim: () => moveInbox({ wait: true }), ...o });
  return queue;
}

// Keyed, so they take the shop's turn (they work on its ERP master, links and runs). Tried once: a retry would send
// the invites again; a failed run shows in the sync log.
const exportJob = (shop: string, nos: string[] | "all", trigger: RunTrigger): EnqueueInput =>
  ({ shop, kind: "addCustomersToShopify", key: `export:${shop}`, payload: { nos, trigger }, maxAttempts: 1 });
const invitesJob = (shop: string, ids: string[], trigger: RunTrigger): EnqueueInput =>
  ({ shop, kind: "sendInvites", key: `invites:${shop}`, payload: { ids, trigger }, maxAttempts: 1 });

/** "Add customers to Shopify" for a large selection, as a background job (its run shows in the sync log). */
export async function startExportInBackground(shop: string, nos: string[] | "all", trigger: RunTrigger) {
  return enqueue(prisma, exportJob(shop, nos, trigger));
}

/** Selections above this size are added by a background job (a web request must answer within seconds). */
export const INLINE_EXPORT_LIMIT = 25;

/**
 * How long a page waits for the shop's turn before it queues its work instead: long enough for a webhook's job to
 * end, far shorter than a Sync.
 */
export const PAGE_TURN_WAIT_MS = 2000;

/** What a page's action did: the run, done now, or the job it queued (the selection is large, or the shop is busy). */
export type PageRun =
  | { queued: false; summary: RunSummary }
  | { queued: true; reason: "large" | "busy"; count: number; jobId: number };

/**
 * A page's work on the shop's ERP master, links, mirrors or runs: it runs now in the shop's turn (as a keyed job
 * would), or, when a keyed job of the shop (a Sync, a webhook, the command line) keeps the turn longer than
 * `waitMs`, it is queued as a keyed job and runs through the queue after it. The same work already waiting in the
 * queue is not queued twice (a second click).
 */
async function nowOrQueued(shop: string, label: string, work: () => Promise<RunSummary>, job: EnqueueInput, count: number, o: { waitMs?: number }): Promise<PageRun> {
  const turn = await inShopTurnFromPage(shop, label, work, o);
  if (turn.ran) return { queued: false, summary: turn.result };
  const row = jobRow(job);
  const waiting = await prisma.job.findFirst({ where: { shop, kind: row.kind, key: row.key, payload: row.payload, status: "queued" }, select: { id: true } });
  const jobId = waiting?.id ?? (await enqueue(prisma, job)).id;
  return { queued: true, reason: "busy", count, jobId };
}

/**
 * A page's work in the shop's turn: run when no keyed job of the shop runs, waiting up to `waitMs` for a short one
 * (a webhook's); `{ ran: false }` when the turn stays taken (a Sync), so the request never waits behind it.
 */
export async function inShopTurnFromPage<T>(shop: string, label: string, work: () => Promise<T>, o: { waitMs?: number } = {}): Promise<{ ran: true; result: T } | { ran: false }> {
  const deadline = Date.now() + (o.waitMs ?? PAGE_TURN_WAIT_MS);
  for (;;) {
    const turn = await tryShopLock(prisma, shop, label, work);
    if (turn.ran || Date.now() >= deadline) return turn;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Link by hand and unlink from the Shopify customers page, in the shop's turn: written beside a running Sync, a link
 * could be overwritten by what the Sync decided from its earlier reading. While one runs they are refused
 * (`busy`) and the page asks to try again when it ends.
 */
export async function linkFromPage(shop: string, shopifyCustomerId: string, erpCustomerNo: string, o: { waitMs?: number } = {}) {
  const turn = await inShopTurnFromPage(shop, "Link by hand", () => sync.linkManually(shop, shopifyCustomerId, erpCustomerNo), o);
  return turn.ran ? { busy: false as const } : { busy: true as const };
}

export async function unlinkFromPage(shop: string, shopifyCustomerIds: string[], o: { waitMs?: number } = {}) {
  const turn = await inShopTurnFromPage(shop, "Unlink", async () => {
    for (const id of shopifyCustomerIds) await sync.unlink(shop, id);
  }, o);
  return { busy: !turn.ran };
}

/** "Add to Shopify" from the ERP pages: a small selection now (or queued while the shop is busy), a large one queued. */
export async function addToShopifyFromPage(shop: string, nos: string[] | "all", o: { trigger?: RunTrigger; waitMs?: number } = {}): Promise<PageRun> {
  const trigger = o.trigger ?? "manual";
  if (nos === "all" || nos.length > INLINE_EXPORT_LIMIT) {
    const count = nos === "all" ? await prisma.erpCustomer.count({ where: { shop } }) : nos.length;
    const job = await startExportInBackground(shop, nos, trigger);
    return { queued: true, reason: "large", count, jobId: job.id };
  }
  return nowOrQueued(shop, "Add customers to Shopify", () => sync.addCustomersToShopify(shop, nos, trigger), exportJob(shop, nos, trigger), nos.length, o);
}

/** "Send account invite" from the Shopify customers page: sent now, or queued while the shop is busy. */
export async function sendInvitesFromPage(shop: string, ids: string[], o: { trigger?: RunTrigger; waitMs?: number } = {}): Promise<PageRun> {
  const trigger = o.trigger ?? "manual";
  return nowOrQueued(shop, "Send account invites", () => sync.sendInvites(shop, ids, trigger), invitesJob(shop, ids, trigger), ids.length, o);
}

export async function startSyncInBackground(shop: string, trigger: RunTrigger) {
  return enqueue(prisma, { shop, kind: "syncCustomers", key: `sync:${shop}`, payload: { trigger }, maxAttempts: 1 });
}

export { prisma };
