// Sync runs: the run row, its counts and status, and turning a failure of the whole run into its log code.
import type { PrismaClient } from "@prisma/client";
import { ShopifyApiError, ShopifyAuthError, ShopifyGraphqlError } from "../shopify/errors";
import type { RunCounts, SyncContext } from "./context";

export type RunKind = "syncCustomers" | "addCustomersToShopify" | "importOrders" | "webhook" | "sendInvites";
export type RunTrigger = "manual" | "schedule" | "webhook" | "order" | "cli";

export interface RunSummary {
  runId: number;
  status: "succeeded" | "completedWithErrors" | "failed";
  counts: RunCounts;
  message: string;
}

export async function startRun(db: PrismaClient, shop: string, kind: RunKind, trigger: RunTrigger) {
  // Runs of a shop take turns (its keyed jobs run one at a time, and the command line takes the same turn), so a run
  // of this kind still "running" when a new one starts was cut short (its process was killed): close it as failed,
  // so the sync log and the home page never show it as running forever.
  await db.syncRun.updateMany({
    where: { shop, kind, status: "running" },
    data: { status: "failed", endedAt: new Date(), message: "The run was interrupted (the app stopped while it ran)." },
  });
  return db.syncRun.create({ data: { shop, kind, trigger } });
}

export async function finishRun(ctx: SyncContext, runId: number, error?: unknown): Promise<RunSummary> {
  let message = "";
  let failedWhole = false;
  if (error) {
    failedWhole = true;
    if (error instanceof ShopifyAuthError) {
      ctx.log.add("authRequired", `${error.message}. Open the app in Shopify admin once to grant access again.`);
      await ctx.db.shopSettings.upsert({ where: { shop: ctx.shop }, create: { shop: ctx.shop, authRequired: true }, update: { authRequired: true } });
    } else if (error instanceof ShopifyApiError || error instanceof ShopifyGraphqlError) {
      ctx.log.add("apiError", error.message);
    } else {
      ctx.log.add("internal", `The run stopped: ${(error as Error)?.message ?? String(error)}`);
    }
    message = (error as Error)?.message ?? String(error);
  }
  await ctx.log.flush();
  const status: RunSummary["status"] = failedWhole ? "failed" : ctx.counts.failed > 0 ? "completedWithErrors" : "succeeded";
  await ctx.db.syncRun.update({
    where: { id: runId },
    data: { status, endedAt: new Date(), message, ...ctx.counts },
  });
  return { runId, status, counts: { ...ctx.counts }, message };
}

export async function saveProgress(ctx: SyncContext, runId: number, total: number | null) {
  await ctx.db.syncRun.update({ where: { id: runId }, data: { ...ctx.counts, total: total ?? 0 } });
  ctx.onProgress?.(ctx.counts, total);
}
