// Failed background jobs on the sync log page (app/ui/jobs.server.ts, the log route's action): a job that really
// failed in the queue is listed with what it was about and its error, only in its own shop; "Try again" puts it back
// in the queue and the worker runs it again; another shop's job, a job that did not fail, and a command-line turn
// are refused with a message and left exactly as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "@prisma/client";
import { withShopLock } from "../../app/jobs/queue";
import { startHarness, type Harness } from "../support/app-harness";
import { drain, gid, post, removeDb, seCustomer, seedShop, signedWebhook } from "./support";

const SHOP = "reliability-failed-jobs.myshopify.com";
const OTHER = "reliability-failed-jobs-other.myshopify.com";
const EMAIL = "trasig.skrivning@example.test";
let h: Harness;
let action: typeof import("../../app/routes/app.log").action;
const db = () => h.app.prisma;
const jobs = () => h.app.jobs;

/** ERP writes of SHOP fail (as a database that refuses them would): every attempt of the webhook's work fails. */
const BREAK_ERP = `CREATE TRIGGER "test_erp_refuses" BEFORE INSERT ON "ErpCustomer" WHEN NEW."shop" = '${SHOP}'
  BEGIN SELECT RAISE(ABORT, 'the ERP refuses new customers'); END`;
const MEND_ERP = `DROP TRIGGER IF EXISTS "test_erp_refuses"`;

/** The log page's action as the embedded app calls it: a form POST with the shop's session token. */
async function postAction(shop: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
  const request = new Request(`${process.env.SHOPIFY_APP_URL}/app/log`, {
    method: "POST",
    headers: { Authorization: `Bearer ${h.sim.sessionToken(shop)}` },
    body: new URLSearchParams(form),
  });
  const res = await action({ request, params: {}, context: {} }).catch((e) => {
    if (e instanceof Response) return e;
    throw e;
  });
  return { status: res.status, body: await res.json() };
}

const row = (id: number) => db().job.findUniqueOrThrow({ where: { id } });

let webhookJob: Job;
let cliJob: Job;
let otherJob: Job;
let webhookId = "";

beforeAll(async () => {
  h = await startHarness({ name: "reliability-failed-jobs" });
  ({ action } = await import("../../app/routes/app.log"));
  await seedShop(h, SHOP);
  await seedShop(h, OTHER);

  // 1. A customers/create whose ERP customer cannot be written: the queue tries it 8 times, then it is failed.
  await db().$executeRawUnsafe(BREAK_ERP);
  h.sim.setCustomer(SHOP, seCustomer(701, { email: EMAIL }));
  const w = signedWebhook(h.webhookUrl, SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(701)));
  webhookId = w.webhookId;
  expect(await post(w)).toBe(200);
  await drain(h);
  webhookJob = await db().job.findFirstOrThrow({ where: { shop: SHOP, kind: "webhook" } });

  // 2. A command-line run in the shop's turn that failed (kind externalRun: not the queue's work).
  await expect(withShopLock(db(), SHOP, "Sync customers (command line)", async () => {
    throw new Error("Shopify is down");
  })).rejects.toThrow("Shopify is down");
  cliJob = await db().job.findFirstOrThrow({ where: { shop: SHOP, kind: "externalRun" } });

  // 3. Another shop's Sync whose offline session is gone: it fails at once with authRequired.
  await db().session.deleteMany({ where: { shop: OTHER } });
  await h.app.worker.startSync(OTHER, "manual");
  await drain(h);
  otherJob = await db().job.findFirstOrThrow({ where: { shop: OTHER, kind: "syncCustomers" } });
});
afterAll(async () => {
  await db()?.$executeRawUnsafe(MEND_ERP).catch(() => {});
  await h?.close();
  removeDb(h);
});

describe("the list of failed jobs", () => {
  it("the jobs really failed in the queue: the webhook after its 8 attempts, the Sync without access at once", async () => {
    expect(webhookJob).toMatchObject({ status: "failed", attempts: 8, maxAttempts: 8, lastError: "1 record(s) could not be saved; the webhook is processed again" });
    expect(cliJob).toMatchObject({ status: "failed", lastError: "Shopify is down" });
    expect(otherJob).toMatchObject({ status: "failed", attempts: 1 });
    expect(otherJob.lastError).toMatch(/no valid access.*\(authRequired\)/);
  });

  it("lists the shop's failed jobs newest first, with kind, topic, the customer, attempts, when and the error; no payload", async () => {
    const list = await jobs().listFailedJobs(SHOP);
    expect(list.total).toBe(2);
    expect(list.jobs.map((j) => j.id)).toEqual([cliJob.id, webhookJob.id]);
    const [cli, webhook] = list.jobs;
    expect(webhook).toEqual({
      id: webhookJob.id,
      kind: "webhook",
      topic: "customers/create",
      key: gid(701),
      customerId: "701",
      orderId: "",
      orderName: "",
      attempts: 8,
      maxAttempts: 8,
      lastError: "1 record(s) could not be saved; the webhook is processed again",
      createdAt: webhookJob.createdAt.toISOString(),
      failedAt: webhookJob.finishedAt!.toISOString(),
      cannotRetry: null,
    });
    expect(cli).toMatchObject({ kind: "externalRun", topic: "", customerId: "", lastError: "Shopify is down", cannotRetry: "noHandler" });
    // The delivery's payload (the customer's email, name, addresses) is not shown, though the failed job keeps it.
    expect(webhookJob.payload).toContain(EMAIL);
    expect(JSON.stringify(list)).not.toContain(EMAIL);
  });

  it("another shop's failed jobs are not listed", async () => {
    expect((await jobs().listFailedJobs(SHOP)).jobs.map((j) => j.id)).not.toContain(otherJob.id);
    const other = await jobs().listFailedJobs(OTHER);
    expect(other.total).toBe(1);
    expect(other.jobs).toMatchObject([{ id: otherJob.id, kind: "syncCustomers", topic: "", key: `sync:${OTHER}`, attempts: 1, lastError: otherJob.lastError, cannotRetry: null }]);
  });

  it("at most `take` rows, with the total of all", async () => {
    const one = await jobs().listFailedJobs(SHOP, { take: 1 });
    expect([one.total, one.jobs.map((j) => j.id)]).toEqual([2, [cliJob.id]]);
  });
});

describe("Try again", () => {
  it("refuses another shop's job, a command-line turn and a malformed id, and changes nothing", async () => {
    const before = await db().job.findMany({ orderBy: { id: "asc" } });
    expect(await jobs().retryFailedJob(SHOP, otherJob.id)).toEqual({ ok: false, reason: "notFound", error: `There is no job ${otherJob.id} in this shop.` });
    const viaRoute = await postAction(SHOP, { intent: "retryJob", jobId: String(otherJob.id) });
    expect(viaRoute).toEqual({ status: 200, body: { intent: "retryJob", ok: false, jobId: otherJob.id, reason: "notFound", error: `There is no job ${otherJob.id} in this shop.` } });
    expect(await jobs().retryFailedJob(SHOP, cliJob.id)).toMatchObject({ ok: false, reason: "noHandler", error: expect.stringMatching(/command line/) });
    for (const jobId of ["0x1", "1e0", " 1", "0", "-1", ""]) {
      expect((await postAction(SHOP, { intent: "retryJob", jobId })).status, jobId).toBe(400);
    }
    expect((await postAction(SHOP, { intent: "deleteJob", jobId: String(webhookJob.id) })).status).toBe(400);
    expect(await db().job.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("puts the failed webhook job back in the queue (queued, 0 attempts, due now, no error); the worker runs it again and it is done", async () => {
    const t0 = Date.now();
    const res = await postAction(SHOP, { intent: "retryJob", jobId: String(webhookJob.id) });
    expect(res).toEqual({ status: 200, body: { intent: "retryJob", ok: true, jobId: webhookJob.id } });
    const queued = await row(webhookJob.id);
    expect(queued).toMatchObject({ status: "queued", attempts: 0, lastError: "", finishedAt: null, lockedAt: null, payload: webhookJob.payload });
    expect(queued.runAt.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
    expect(queued.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await jobs().listFailedJobs(SHOP)).jobs.map((j) => j.id)).toEqual([cliJob.id]);
    // Clicked twice: the job is queued once; the second click is told it is no longer failed.
    expect(await jobs().retryFailedJob(SHOP, webhookJob.id)).toMatchObject({ ok: false, reason: "notFailed" });

    // The cause is fixed; the worker picks the job up.
    await db().$executeRawUnsafe(MEND_ERP);
    await drain(h);
    const done = await row(webhookJob.id);
    expect(done).toMatchObject({ status: "done", attempts: 1, lastError: "" });
    expect(JSON.parse(done.payload)).toEqual({ topic: "customers/create", webhookId });
    const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(701) } } });
    expect(mirror.erpCustomerNo).not.toBe("");
    expect(await db().erpCustomer.findUniqueOrThrow({ where: { shop_no: { shop: SHOP, no: mirror.erpCustomerNo } } })).toMatchObject({ email: EMAIL });
    expect(await db().webhookReceipt.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ status: "processed" });
    expect((await jobs().listFailedJobs(SHOP)).total).toBe(1);
  });

  it("refuses a job that is done, with a message, and leaves it as it is", async () => {
    const before = await row(webhookJob.id);
    const res = await postAction(SHOP, { intent: "retryJob", jobId: String(webhookJob.id) });
    expect(res).toEqual({
      status: 200,
      body: { intent: "retryJob", ok: false, jobId: webhookJob.id, reason: "notFailed", error: `Job ${webhookJob.id} has not failed, so there is nothing to try again.` },
    });
    expect(await row(webhookJob.id)).toEqual(before);
  });

  it("another shop's Sync: refused while a Sync of that shop already waits; tried again after, it runs once access is back", async () => {
    await h.addSession(OTHER);
    const waiting = await h.app.worker.startSync(OTHER, "manual");
    expect(waiting.started).toBe(true);
    const before = await row(otherJob.id);
    expect(await jobs().retryFailedJob(OTHER, otherJob.id)).toMatchObject({ ok: false, reason: "alreadyQueued" });
    expect(await row(otherJob.id)).toEqual(before);
    await drain(h);

    expect(await jobs().retryFailedJob(OTHER, otherJob.id)).toEqual({ ok: true, id: otherJob.id, kind: "syncCustomers" });
    expect(await row(otherJob.id)).toMatchObject({ status: "queued", attempts: 0, lastError: "", finishedAt: null });
    await drain(h);
    expect(await row(otherJob.id)).toMatchObject({ status: "done", attempts: 1, lastError: "" });
    expect((await jobs().listFailedJobs(OTHER)).total).toBe(0);
  });

  it("two failed Syncs of one shop tried again at the same moment: one is queued, the other is refused as already waiting", async () => {
    const failed = await Promise.all(
      [1, 2].map(() => db().job.create({ data: { shop: OTHER, kind: "syncCustomers", key: `sync:${OTHER}`, payload: JSON.stringify({ trigger: "schedule" }), status: "failed", attempts: 1, maxAttempts: 1, lastError: "x", finishedAt: new Date() } })),
    );
    const results = await Promise.all(failed.map((j) => jobs().retryFailedJob(OTHER, j.id)));
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: "alreadyQueued" });
    expect(await db().job.count({ where: { shop: OTHER, kind: "syncCustomers", status: "queued" } })).toBe(1);
    await drain(h);
    await db().job.deleteMany({ where: { id: { in: failed.map((j) => j.id) } } });
  });
});

describe("a failed redaction request", () => {
  it("keeps nothing to run again: listed, but Try again is refused and nothing changes", async () => {
    const w = signedWebhook(h.webhookUrl, SHOP, "customers/redact", { shop_domain: SHOP, customer: { email: "erase.me@example.test" }, orders_to_redact: [] });
    expect(await post(w)).toBe(200);
    await drain(h);
    const job = await db().job.findFirstOrThrow({ where: { shop: SHOP, kind: "webhook", status: "failed" } });
    expect(job.payload).toBe("{}");
    const listed = (await jobs().listFailedJobs(SHOP)).jobs.find((j) => j.id === job.id);
    expect(listed).toMatchObject({ kind: "webhook", topic: "", cannotRetry: "noPayload", lastError: expect.stringMatching(/customers\/redact/) });
    expect(await jobs().retryFailedJob(SHOP, job.id)).toMatchObject({ ok: false, reason: "noPayload" });
    expect(await row(job.id)).toEqual(job);
  });
});
