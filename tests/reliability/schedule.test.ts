// Scheduled Sync runs (autoSync) through the job queue with the shop's offline session; a missing or revoked session
// stops the run with authRequired (logged once, the shop flagged, the banner on Home, the job not retried) until the
// app is opened again in Shopify admin (token exchange through authenticate.admin), when the schedule resumes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";
import { drain, gid, removeDb, seCustomer, seedShop } from "./support";

const OK = "schedule-ok.myshopify.com";
const MISSING = "schedule-missing.myshopify.com";
const REVOKED = "schedule-revoked.myshopify.com";
const HOUR = 3_600_000;
let h: Harness;
const db = () => h.app.prisma;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-schedule" });
  for (const [i, shop] of [OK, MISSING, REVOKED].entries()) {
    await seedShop(h, shop, { autoSync: "1h" });
    for (let n = 1; n <= 3; n++) h.sim.setCustomer(shop, seCustomer(1000 * (i + 1) + n));
  }
  await db().session.deleteMany({ where: { shop: MISSING } });
  await db().session.updateMany({ where: { shop: REVOKED }, data: { accessToken: "shpat_revoked" } });
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

const syncJobs = (shop: string) => db().job.findMany({ where: { shop, kind: "syncCustomers" }, orderBy: { id: "asc" } });
const runs = (shop: string) => db().syncRun.findMany({ where: { shop, kind: "syncCustomers" }, orderBy: { id: "asc" } });
const flagged = async (shop: string) => (await db().shopSettings.findUniqueOrThrow({ where: { shop } })).authRequired;

describe("autoSync", () => {
  it("a due shop gets one Sync customers job, run by the queue with the shop's offline session; not again before the interval", async () => {
    await h.app.worker.scheduleDueSyncs(new Date());
    const [job] = await syncJobs(OK);
    expect(job).toMatchObject({ status: "queued", key: `sync:${OK}` });
    expect(JSON.parse(job.payload)).toEqual({ trigger: "schedule" });
    // Due again while it waits: still one job.
    await h.app.worker.scheduleDueSyncs(new Date());
    expect(await syncJobs(OK)).toHaveLength(1);
    await drain(h);

    expect(await syncJobs(OK)).toMatchObject([{ status: "done", attempts: 1 }]);
    expect(await runs(OK)).toMatchObject([{ trigger: "schedule", status: "succeeded", read: 3, created: 3 }]);
    expect(await db().mirrorCustomer.count({ where: { shop: OK } })).toBe(3);

    await h.app.worker.scheduleDueSyncs(new Date(Date.now() + 0.5 * HOUR));
    expect(await syncJobs(OK)).toHaveLength(1);
    await h.app.worker.scheduleDueSyncs(new Date(Date.now() + 1.1 * HOUR));
    expect((await syncJobs(OK)).map((j) => j.status)).toEqual(["done", "queued"]);
    await drain(h);
    expect((await runs(OK)).map((r) => [r.trigger, r.status])).toEqual([["schedule", "succeeded"], ["schedule", "succeeded"]]);
  });

  it("without an offline session the scheduled run stops with authRequired: one failed run, the shop flagged, the banner, the job failed at once with its error", async () => {
    expect(await syncJobs(MISSING)).toMatchObject([{ status: "failed", attempts: 1 }]); // scheduled and drained above
    const [job] = await syncJobs(MISSING);
    expect(job.lastError).toMatch(/no valid access to schedule-missing\.myshopify\.com.*authRequired/);
    expect(await runs(MISSING)).toMatchObject([{ trigger: "schedule", status: "failed" }]);
    const log = await db().syncLogEntry.findMany({ where: { shop: MISSING } });
    expect(log.map((l) => [l.level, l.code])).toEqual([["error", "authRequired"]]);
    expect(await flagged(MISSING)).toBe(true);
    expect((await h.app.home.homeData(MISSING)).attention).toMatchObject({ authRequired: true, failedJobs: 1 });
    // The schedule waits for access: nothing more is queued, however much later.
    await h.app.worker.scheduleDueSyncs(new Date(Date.now() + 5 * HOUR));
    expect(await syncJobs(MISSING)).toHaveLength(1);
  });

  it("a token Shopify refuses (revoked) stops the run with authRequired too, without retries", async () => {
    expect(await syncJobs(REVOKED)).toMatchObject([{ status: "failed", attempts: 1 }]);
    expect(await runs(REVOKED)).toMatchObject([{ trigger: "schedule", status: "failed", read: 0 }]);
    expect((await db().syncLogEntry.findMany({ where: { shop: REVOKED, level: "error" } })).map((l) => l.code)).toEqual(["authRequired"]);
    expect(await flagged(REVOKED)).toBe(true);
    expect(await db().mirrorCustomer.count({ where: { shop: REVOKED } })).toBe(0);
    expect((await h.app.home.homeData(REVOKED)).attention.authRequired).toBe(true);
  });

  it("opening the app again (a session token exchanged through authenticate.admin) clears the flag and the banner; the schedule runs the shop again", async () => {
    for (const shop of [MISSING, REVOKED]) {
      const host = Buffer.from(`${shop}/admin`).toString("base64");
      const request = new Request(`http://127.0.0.1:3000/app?shop=${shop}&host=${host}&embedded=1&id_token=${h.sim.sessionToken(shop)}`);
      const { session } = await h.app.shopify.authenticate.admin(request);
      expect(session.accessToken).not.toBe("shpat_revoked");
      expect(await flagged(shop)).toBe(false);
      expect((await h.app.home.homeData(shop)).attention.authRequired).toBe(false);
    }
    await h.app.worker.scheduleDueSyncs(new Date(Date.now() + 5 * HOUR));
    await drain(h);
    for (const shop of [MISSING, REVOKED]) {
      expect((await runs(shop)).map((r) => r.status)).toEqual(["failed", "succeeded"]);
      expect(await db().mirrorCustomer.count({ where: { shop } })).toBe(3);
    }
    expect(await db().mirrorCustomer.findFirst({ where: { shop: MISSING, shopifyId: gid(2001) } })).not.toBeNull();
  });
});
