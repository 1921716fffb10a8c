// "Add to Shopify" and "Send account invites" from the pages take the shop's turn like its keyed jobs: they run at
// once when the turn is free, wait briefly for a short job (a webhook's), and while a Sync or another keyed job of the
// shop keeps the turn they are queued as a keyed job of their own, which the queue runs after it. Nothing of the
// work happens beside the running job.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueue } from "../../app/jobs/queue";
import { startHarness, type Harness } from "../support/app-harness";
import { drain, gid, removeDb, seCustomer, seedShop } from "./support";

const SHOP = "reliability-page-turn.myshopify.com";
let h: Harness;
const db = () => h.app.prisma;
const service = () => h.app.service;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-page-turn" });
  await seedShop(h, SHOP);
  for (const i of [1, 2, 3]) {
    await h.app.master.setErpCustomer(db(), SHOP, {
      no: `P${i}`, name: `Sida Kund${i}`, email: `sida${i}@example.test`, address: `Sidgatan ${i}`, postCode: "411 01", city: "Göteborg", countryCode: "SE",
    });
  }
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});
beforeEach(async () => {
  await db().job.deleteMany({});
});

/** A keyed job of the shop as a worker holds it while it runs (a Sync, unless another kind is given). */
async function runningJob(kind = "syncCustomers", key = `sync:${SHOP}`) {
  const job = await enqueue(db(), { shop: SHOP, kind, key, maxAttempts: 1 });
  return db().job.update({ where: { id: job.id }, data: { status: "running", attempts: 1, lockedAt: new Date(), lockedBy: "other-worker" } });
}
const finish = (id: number) => db().job.update({ where: { id }, data: { status: "done", finishedAt: new Date(), lockedAt: null } });
const inShopify = (email: string) => h.sim.customers(SHOP).filter((c) => c.defaultEmailAddress?.emailAddress === email);

describe("Add to Shopify from a page", () => {
  it("while a Sync of the shop runs: queued as a keyed job (once, however often it is clicked), nothing added; after the Sync the queue adds and links the customer", async () => {
    const sync = await runningJob();
    const r = await service().addToShopifyFromPage(SHOP, ["P1"], { waitMs: 0 });
    expect(r).toEqual({ queued: true, reason: "busy", count: 1, jobId: expect.any(Number) });
    if (!r.queued) return;
    // A second click while it waits queues nothing more.
    expect(await service().addToShopifyFromPage(SHOP, ["P1"], { waitMs: 0 })).toEqual(r);
    const queued = await db().job.findMany({ where: { shop: SHOP, kind: "addCustomersToShopify" } });
    expect(queued.map((j) => [j.id, j.key, j.status, JSON.parse(j.payload), j.maxAttempts])).toEqual([
      [r.jobId, `export:${SHOP}`, "queued", { nos: ["P1"], trigger: "manual" }, 1],
    ]);
    expect(await db().job.count({ where: { shop: SHOP, kind: "externalRun" } })).toBe(0);

    // The queue does not take it while the Sync runs.
    await service().jobQueue({ backoffScale: 0.001 }).drain();
    expect((await db().job.findUniqueOrThrow({ where: { id: r.jobId } })).status).toBe("queued");
    expect(inShopify("sida1@example.test")).toHaveLength(0);
    expect(await db().syncRun.count({ where: { shop: SHOP, kind: "addCustomersToShopify" } })).toBe(0);
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, erpCustomerNo: "P1" } })).toBe(0);

    await finish(sync.id);
    await drain(h);
    expect((await db().job.findUniqueOrThrow({ where: { id: r.jobId } })).status).toBe("done");
    const created = inShopify("sida1@example.test");
    expect(created).toHaveLength(1);
    const mirror = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: created[0].id } } });
    expect([mirror.erpCustomerNo, mirror.linkSource]).toEqual(["P1", "exported"]);
    const runs = await db().syncRun.findMany({ where: { shop: SHOP, kind: "addCustomersToShopify" } });
    expect(runs.map((x) => [x.status, x.trigger, x.read, x.exported])).toEqual([["succeeded", "manual", 1, 1]]);
  });

  it("when the shop's turn is free: added at once in the turn, nothing queued", async () => {
    const r = await service().addToShopifyFromPage(SHOP, ["P2"], { waitMs: 0 });
    expect(r.queued).toBe(false);
    if (r.queued) return;
    expect([r.summary.status, r.summary.counts.read, r.summary.counts.exported]).toEqual(["succeeded", 1, 1]);
    expect(inShopify("sida2@example.test")).toHaveLength(1);
    const jobs = await db().job.findMany({ where: { shop: SHOP } });
    expect(jobs.map((j) => [j.kind, j.status, JSON.parse(j.payload).label])).toEqual([["externalRun", "done", "Add customers to Shopify"]]);
  });

  it("a short job of the shop (a webhook's) is waited for, then the customer is added at once", async () => {
    const webhook = await runningJob("webhook", gid(4711));
    const ends = new Promise((r) => setTimeout(r, 300)).then(() => finish(webhook.id));
    const t0 = Date.now();
    const r = await service().addToShopifyFromPage(SHOP, ["P3"], { waitMs: 5000 });
    await ends;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(r.queued).toBe(false);
    if (r.queued) return;
    expect(r.summary.counts.exported).toBe(1);
    expect(inShopify("sida3@example.test")).toHaveLength(1);
    expect(await db().job.count({ where: { shop: SHOP, kind: "addCustomersToShopify" } })).toBe(0);
  });

  it("a selection above the inline limit is queued whether or not the shop is busy", async () => {
    const nos = Array.from({ length: service().INLINE_EXPORT_LIMIT + 1 }, (_, i) => `Q${i}`);
    const r = await service().addToShopifyFromPage(SHOP, nos, { waitMs: 0 });
    expect(r).toEqual({ queued: true, reason: "large", count: nos.length, jobId: expect.any(Number) });
    const all = await service().addToShopifyFromPage(SHOP, "all", { waitMs: 0 });
    expect(all).toEqual({ queued: true, reason: "large", count: await db().erpCustomer.count({ where: { shop: SHOP } }), jobId: expect.any(Number) });
    expect(await db().job.count({ where: { shop: SHOP, kind: "addCustomersToShopify", key: `export:${SHOP}`, status: "queued" } })).toBe(2);
    expect(await db().job.count({ where: { shop: SHOP, kind: "externalRun" } })).toBe(0);
  });
});

describe("Send account invites from a page", () => {
  it("while a keyed job of the shop runs: queued, none sent; after it the queue sends them; with the turn free they are sent at once", async () => {
    h.sim.setCustomer(SHOP, { id: gid(801), firstName: "Ebba", lastName: "Lind", defaultEmailAddress: { emailAddress: "ebba@example.test" }, state: "DISABLED" });
    h.sim.setCustomer(SHOP, { id: gid(802), firstName: "Nils", lastName: "Ek", defaultPhoneNumber: { phoneNumber: "+46701234567" }, state: "DISABLED" });
    h.sim.setCustomer(SHOP, { id: gid(803), firstName: "Alva", lastName: "Berg", defaultEmailAddress: { emailAddress: "alva@example.test" }, state: "DISABLED" });
    const state = () => Object.fromEntries(h.sim.customers(SHOP).filter((c) => [gid(801), gid(802), gid(803)].includes(c.id)).map((c) => [c.id, c.state]));
    h.sim.resetRequests(SHOP);

    const sync = await runningJob();
    const r = await service().sendInvitesFromPage(SHOP, [gid(801), gid(802)], { waitMs: 0 });
    expect(r).toEqual({ queued: true, reason: "busy", count: 2, jobId: expect.any(Number) });
    if (!r.queued) return;
    const job = await db().job.findUniqueOrThrow({ where: { id: r.jobId } });
    expect([job.kind, job.key, job.status, JSON.parse(job.payload), job.maxAttempts]).toEqual(["sendInvites", `invites:${SHOP}`, "queued", { ids: [gid(801), gid(802)], trigger: "manual" }, 1]);
    await service().jobQueue({ backoffScale: 0.001 }).drain();
    expect(h.sim.requests(SHOP).byOperation.customerSendAccountInviteEmail ?? 0).toBe(0);
    expect(state()).toEqual({ [gid(801)]: "DISABLED", [gid(802)]: "DISABLED", [gid(803)]: "DISABLED" });
    expect(await db().syncRun.count({ where: { shop: SHOP, kind: "sendInvites" } })).toBe(0);

    await finish(sync.id);
    await drain(h);
    expect((await db().job.findUniqueOrThrow({ where: { id: r.jobId } })).status).toBe("done");
    expect(h.sim.requests(SHOP).byOperation.customerSendAccountInviteEmail).toBe(2);
    expect(state()).toEqual({ [gid(801)]: "INVITED", [gid(802)]: "DISABLED", [gid(803)]: "DISABLED" });
    const queuedRun = await db().syncRun.findFirstOrThrow({ where: { shop: SHOP, kind: "sendInvites" } });
    expect([queuedRun.status, queuedRun.trigger, queuedRun.read, queuedRun.skipped]).toEqual(["succeeded", "manual", 2, 1]);

    const now = await service().sendInvitesFromPage(SHOP, [gid(803)], { waitMs: 0 });
    expect(now.queued).toBe(false);
    if (now.queued) return;
    expect([now.summary.status, now.summary.counts.read, now.summary.counts.skipped]).toEqual(["succeeded", 1, 0]);
    expect(state()).toEqual({ [gid(801)]: "INVITED", [gid(802)]: "DISABLED", [gid(803)]: "INVITED" });
    expect(h.sim.requests(SHOP).byOperation.customerSendAccountInviteEmail).toBe(3);
    expect(await db().job.count({ where: { shop: SHOP, kind: "sendInvites" } })).toBe(1);
  });
});

describe("Link by hand and unlink from a page", () => {
  it("while a Sync of the shop runs: refused, nothing written; after it: linked by hand, then unlinked", async () => {
    h.sim.setCustomer(SHOP, seCustomer(950));
    const sync = await runningJob();
    expect(await service().linkFromPage(SHOP, gid(950), "P2", { waitMs: 0 })).toEqual({ busy: true });
    expect(await db().mirrorCustomer.count({ where: { shop: SHOP, shopifyId: gid(950) } })).toBe(0);
    expect(await db().syncLogEntry.count({ where: { shop: SHOP, code: "linked", shopifyCustomerId: gid(950) } })).toBe(0);
    expect(await db().job.count({ where: { shop: SHOP, kind: "externalRun" } })).toBe(0);

    await finish(sync.id);
    expect(await service().linkFromPage(SHOP, gid(950), "P2", { waitMs: 0 })).toEqual({ busy: false });
    const linked = await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(950) } } });
    expect([linked.erpCustomerNo, linked.linkSource]).toEqual(["P2", "manual"]);
    // The page's work held the turn as an external run of its own, now done.
    expect((await db().job.findMany({ where: { shop: SHOP, kind: "externalRun" }, select: { status: true, payload: true } })).map((j) => [j.status, JSON.parse(j.payload).label])).toEqual([["done", "Link by hand"]]);

    const again = await runningJob();
    expect(await service().unlinkFromPage(SHOP, [gid(950)], { waitMs: 0 })).toEqual({ busy: true });
    expect((await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(950) } } })).erpCustomerNo).toBe("P2");
    await finish(again.id);
    expect(await service().unlinkFromPage(SHOP, [gid(950)], { waitMs: 0 })).toEqual({ busy: false });
    expect((await db().mirrorCustomer.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: gid(950) } } })).erpCustomerNo).toBe("");
  });
});
