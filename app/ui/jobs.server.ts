// Failed background jobs on the sync log page: what each was about and why it failed (the queue keeps the error of
// the last attempt), and "Try again", which puts one failed job of the shop back in the queue for the worker.
import type { Job } from "@prisma/client";
import prisma from "../db.server";
import { jobHandlers } from "../sync/service.server";
import { payloadProblem } from "../sync/webhooks";

export const FAILED_JOBS_SHOWN = 25;

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d+)$/;
const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d+)$/;

function parsePayload(raw: string): Record<string, unknown> {
  try {
    const p = JSON.parse(raw || "{}");
    return p && typeof p === "object" && !Array.isArray(p) ? p : {};
  } catch {
    return {};
  }
}

/** Why a failed job cannot be run again, or null. */
export type CannotRetry = "noHandler" | "noPayload" | "invalidPayload";

function cannotRetry(job: Pick<Job, "kind" | "payload">): CannotRetry | null {
  // A turn taken by the command line (`externalRun`) is no queue work: it is run again where it was started.
  if (!Object.prototype.hasOwnProperty.call(jobHandlers, job.kind)) return "noHandler";
  if (job.kind === "webhook") {
    // A redaction request that failed keeps nothing of what it asked to erase ("{}"): there is no delivery to run.
    const p = parsePayload(job.payload);
    if (typeof p.topic !== "string" || !p.topic || !("payload" in p)) return "noPayload";
    // A delivery that names no valid Shopify id fails the same way every time.
    if (payloadProblem(p.topic, p.payload)) return "invalidPayload";
  }
  return null;
}

/** The shop's failed jobs, newest first (at most `take`), with the total. Webhook payloads (customer data) stay out. */
export async function listFailedJobs(shop: string, o: { take?: number } = {}) {
  const where = { shop, status: "failed" };
  const [total, rows] = await Promise.all([
    prisma.job.count({ where }),
    prisma.job.findMany({ where, orderBy: [{ finishedAt: "desc" }, { id: "desc" }], take: o.take ?? FAILED_JOBS_SHOWN }),
  ]);
  const orderGids = rows.map((r) => r.key).filter((k) => ORDER_GID.test(k));
  const orders = orderGids.length
    ? await prisma.importedOrder.findMany({ where: { shop, shopifyId: { in: orderGids } }, select: { shopifyId: true, name: true } })
    : [];
  const orderNames = new Map(orders.map((o) => [o.shopifyId, o.name]));
  return {
    total,
    jobs: rows.map((j) => {
      const p = parsePayload(j.payload);
      const customer = CUSTOMER_GID.exec(j.key);
      const order = ORDER_GID.exec(j.key);
      return {
        id: j.id,
        kind: j.kind,
        topic: j.kind === "webhook" && typeof p.topic === "string" ? p.topic : "",
        key: j.key,
        customerId: customer ? customer[1] : "",
        orderId: order ? order[1] : "",
        orderName: order ? (orderNames.get(j.key) ?? "") : "",
        attempts: j.attempts,
        maxAttempts: j.maxAttempts,
        lastError: j.lastError,
        createdAt: j.createdAt.toISOString(),
        failedAt: (j.finishedAt ?? j.runAt).toISOString(),
        cannotRetry: cannotRetry(j),
      };
    }),
  };
}

export type FailedJobView = Awaited<ReturnType<typeof listFailedJobs>>["jobs"][number];

export type RetryRefusal = "notFound" | "notFailed" | "alreadyQueued" | CannotRetry;

export type RetryResult = { ok: true; id: number; kind: string } | { ok: false; reason: RetryRefusal; error: string };

const REFUSALS: Record<RetryRefusal, (id: number) => string> = {
  notFound: (id) => `There is no job ${id} in this shop.`,
  notFailed: (id) => `Job ${id} has not failed, so there is nothing to try again.`,
  alreadyQueued: (id) => `The same work as job ${id} is already waiting or running in the queue.`,
  noHandler: (id) => `Job ${id} was not run by the queue (the command line ran it); run it there again.`,
  noPayload: (id) => `Job ${id} keeps nothing to run again (a failed redaction request keeps nothing of what it asked to erase).`,
  invalidPayload: (id) => `Job ${id} is a delivery that names no valid Shopify id; it would fail the same way again.`,
};

const refuse = (id: number, reason: RetryRefusal): RetryResult => ({ ok: false, reason, error: REFUSALS[reason](id) });

/**
 * Put a failed job of the shop back in the queue: queued, no attempts, due now, no error. Anything else (another
 * shop's job, a job that did not fail, one that cannot run again, work that is already waiting) is refused with a
 * reason and nothing is changed. The write is conditional on the job still being failed, so two clicks queue it once.
 */
export async function retryFailedJob(shop: string, id: number): Promise<RetryResult> {
  const job = await prisma.job.findFirst({ where: { id, shop } });
  if (!job) return refuse(id, "notFound");
  if (job.status !== "failed") return refuse(id, "notFailed");
  const blocked = cannotRetry(job);
  if (blocked) return refuse(id, blocked);
  // A Sync or an order import of the shop is queued once (as the pages start them); other work once per payload.
  const same =
    job.kind === "syncCustomers" || job.kind === "importOrders"
      ? { shop, kind: job.kind }
      : { shop, kind: job.kind, key: job.key, payload: job.payload };
  // The check and the write in one transaction (it holds the database's write lock), so that two clicks on two
  // failed Syncs of the shop at the same moment queue one.
  const outcome = await prisma.$transaction(async (tx) => {
    if (await tx.job.count({ where: { ...same, status: { in: ["queued", "running"] } } })) return "alreadyQueued" as const;
    const { count } = await tx.job.updateMany({
      where: { id, shop, status: "failed" },
      data: { status: "queued", attempts: 0, runAt: new Date(), lastError: "", finishedAt: null, lockedAt: null, lockedBy: "" },
    });
    return count === 1 ? ("ok" as const) : ("notFailed" as const);
  });
  if (outcome !== "ok") return refuse(id, outcome);
  return { ok: true, id, kind: job.kind };
}
