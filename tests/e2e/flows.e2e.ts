// What a merchant does in the admin UI, checked in the browser and then in the app's database and the Shopify
// simulator: a sync with live progress and its counts, a manual link that survives the next sync, "Add to
// Shopify", picking the customer of an order that needs one, the shop card's validation, and a failed background
// job tried again from the sync log.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Demo } from "../../scripts/demo";
import { hasChromium, launch, open, screenshot, startApp, toasts, toastHistory, watch } from "./support";

// Generous: the machines are shared and a background sync competes with the page for the same SQLite connection.
const WAIT = { timeout: 30_000, interval: 100 };

describe.skipIf(!hasChromium)("admin flows", () => {
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    demo = await startApp("flows");
    ({ browser, context } = await launch());
  });

  // A failed test leaves its page behind for a look: a screenshot and what the browser complained about.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail" || !page || page.isClosed()) return;
    await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, "-")}`).catch(() => {});
    console.log(`Browser problems in "${ctx.task.name}":`, problems);
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const db = () => demo.prisma;
  const shop = () => demo.shop;
  const erpNoByName = async (name: string) => (await db().erpCustomer.findFirst({ where: { shop: shop(), name } }))!.no;

  /** Type an ERP customer number into a picker and choose the suggestion, as a person would. */
  async function pick(field: ReturnType<Page["locator"]>, no: string) {
    await field.fill(no);
    await page.getByRole("option", { name: new RegExp(`^${no} `) }).click();
    await expect.poll(() => field.inputValue(), WAIT).toBe(no);
  }

  async function newPage() {
    page = await context.newPage();
    problems = watch(page);
  }

  async function syncAndWait() {
    await open(page, demo, "/app");
    await page.getByRole("button", { name: "Sync customers" }).click();
    const progress = page.getByTestId("sync-progress");
    await progress.waitFor();
    return progress;
  }

  test("a sync shows its progress and then the run's counts", async () => {
    await newPage();
    const storeSize = demo.sim.customers(shop()).length;
    const progress = await syncAndWait();
    // The progress bar knows the total (Shopify's count) while the run is going.
    await expect.poll(async () => (await progress.count()) === 0 || (await progress.getAttribute("data-total")) === String(storeSize), { timeout: 30_000 }).toBe(true);
    await screenshot(page, "flow-sync-progress");
    await progress.waitFor({ state: "detached", timeout: 60_000 });

    const run = (await db().syncRun.findFirst({ where: { shop: shop(), kind: "syncCustomers" }, orderBy: { id: "desc" } }))!;
    expect(run.status).toBe("succeeded");
    expect(run.total).toBe(storeSize);
    expect(run.read).toBe(storeSize);
    // The counts agree with what the run left behind.
    expect(run.created).toBe(await db().mirrorCustomer.count({ where: { shop: shop(), linkSource: "created" } }));
    expect(run.linked).toBe(await db().mirrorCustomer.count({ where: { shop: shop(), linkSource: "matched" } }));
    expect(run.created).toBeGreaterThan(0);
    expect(run.linked).toBeGreaterThan(0);
    const skippedCustomers = await db().syncLogEntry.groupBy({ by: ["shopifyCustomerId"], where: { shop: shop(), runId: run.id, level: "skip" } });
    expect(run.skipped).toBe(skippedCustomers.length);

    // The toast and the last runs table show the same numbers.
    await expect.poll(() => toastHistory(page), WAIT).toContain(`Sync finished: ${run.created} created, ${run.updated} updated, ${run.skipped} skipped`);
    const cells = page.locator(".Polaris-DataTable__TableRow").first().locator("td, th");
    await expect.poll(async () => (await cells.allInnerTexts()).slice(3, 10).map((s) => s.trim()), WAIT).toEqual(
      [run.read, run.created, run.updated, run.linked, run.exported, run.skipped, run.failed].map(String),
    );
    await screenshot(page, "flow-sync-done");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a customer linked by hand stays linked through the next sync", async () => {
    await newPage();
    const mirror = (await db().mirrorCustomer.findFirst({ where: { shop: shop(), linkSource: "matched", email: { not: "" } }, orderBy: { shopifyId: "asc" } }))!;
    const target = await erpNoByName("Walk-in customers (shop)");
    expect(mirror.erpCustomerNo).not.toBe(target);

    await open(page, demo, `/app/customers?q=${encodeURIComponent(mirror.email)}`);
    const row = page.locator(".Polaris-IndexTable__TableRow").filter({ hasText: mirror.email });
    await row.getByRole("button", { name: "Link to ERP customer" }).click();
    const dialog = page.getByRole("dialog");
    await pick(dialog.locator("#link-erp-customer"), target);
    await dialog.getByRole("button", { name: "Link to ERP customer" }).click();
    await expect.poll(() => toasts(page).allInnerTexts(), WAIT).toContain(`Linked to ${target}`);
    const linked = await db().mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: shop(), shopifyId: mirror.shopifyId } } });
    expect([linked!.erpCustomerNo, linked!.linkSource]).toEqual([target, "manual"]);

    // The customer changes in Shopify (a webhook arrives), then the next sync reads it again.
    const current = demo.sim.customers(shop()).find((c) => c.id === mirror.shopifyId)!;
    demo.sim.setCustomer(shop(), { ...current, note: "Changed after the manual link", updatedAt: new Date().toISOString() });
    const progress = await syncAndWait();
    await progress.waitFor({ state: "detached", timeout: 60_000 });
    const run = (await db().syncRun.findFirst({ where: { shop: shop(), kind: "syncCustomers" }, orderBy: { id: "desc" } }))!;
    expect(run.read).toBeGreaterThanOrEqual(1);
    const after = await db().mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: shop(), shopifyId: mirror.shopifyId } } });
    expect([after!.erpCustomerNo, after!.linkSource, after!.note]).toEqual([target, "manual", "Changed after the manual link"]);

    await open(page, demo, `/app/customers?q=${encodeURIComponent(mirror.email)}`);
    const again = page.locator(".Polaris-IndexTable__TableRow").filter({ hasText: mirror.email });
    await again.getByText("Linked by hand").waitFor();
    await again.getByText(target).waitFor();
    await screenshot(page, "flow-manual-link");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("Add to Shopify creates the customer in Shopify and links it", async () => {
    await newPage();
    const no = await erpNoByName("Ove Lindqvist");
    expect(demo.sim.customers(shop()).some((c) => c.defaultEmailAddress?.emailAddress === "ove.lindqvist@example.se")).toBe(false);

    await open(page, demo, "/app/erp?q=ove.lindqvist");
    const row = page.locator(".Polaris-IndexTable__TableRow").filter({ hasText: "ove.lindqvist@example.se" });
    await row.getByText("Not in Shopify").waitFor();
    await row.getByText("ove.lindqvist@example.se").click(); // selects the row
    await page.getByRole("button", { name: "Add to Shopify" }).click();
    await expect.poll(() => toasts(page).allInnerTexts(), WAIT).toContain("1 added to Shopify, 0 linked to existing Shopify customers, 0 skipped");

    const created = demo.sim.customers(shop()).find((c) => c.defaultEmailAddress?.emailAddress === "ove.lindqvist@example.se");
    expect(created).toBeTruthy();
    expect([created.firstName, created.lastName, created.defaultPhoneNumber?.phoneNumber]).toEqual(["Ove", "Lindqvist", "+46701234567"]);
    expect(created.addresses[0]).toMatchObject({ address1: "Storgatan 12", city: "Umeå", zip: "903 26", countryCodeV2: "SE" });
    const mirror = await db().mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: shop(), shopifyId: created.id } } });
    expect([mirror?.erpCustomerNo, mirror?.linkSource]).toEqual([no, "exported"]);
    await row.getByText("In Shopify", { exact: true }).waitFor();
    await screenshot(page, "flow-add-to-shopify");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("Add to Shopify while a sync of the shop runs is queued, says so, and the customer is added after the sync", async () => {
    await newPage();
    const no = await erpNoByName("Lars Nyberg");
    const email = "lars.nyberg@example.se";
    const inShopify = () => demo.sim.customers(shop()).filter((c) => c.defaultEmailAddress?.emailAddress === email).length;
    expect(inShopify()).toBe(0);
    // A Sync of the shop as the worker holds it while it runs.
    const sync = await db().job.create({
      data: { shop: shop(), kind: "syncCustomers", key: `sync:${shop()}`, payload: "{}", status: "running", attempts: 1, maxAttempts: 1, lockedAt: new Date(), lockedBy: "e2e-sync" },
    });
    try {
      await open(page, demo, `/app/erp/${encodeURIComponent(no)}`);
      await page.getByRole("button", { name: "Add to Shopify" }).click();
      await expect
        .poll(() => toasts(page).allInnerTexts(), WAIT)
        .toContain(`A sync or another job of this shop is running: customer ${no} is added to Shopify after it. The sync log shows the result.`);
      const queued = await db().job.findMany({ where: { shop: shop(), kind: "addCustomersToShopify" } });
      expect(queued.map((j) => [j.status, JSON.parse(j.payload).nos])).toEqual([["queued", [no]]]);
      expect(inShopify()).toBe(0);
    } finally {
      await db().job.update({ where: { id: sync.id }, data: { status: "done", finishedAt: new Date(), lockedAt: null } });
    }
    // The app's worker adds the customer once the Sync has ended.
    await expect.poll(inShopify, WAIT).toBe(1);
    await expect.poll(async () => (await db().job.findFirst({ where: { shop: shop(), kind: "addCustomersToShopify" } }))?.status, WAIT).toBe("done");
    const created = demo.sim.customers(shop()).find((c) => c.defaultEmailAddress?.emailAddress === email);
    const mirror = await db().mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop: shop(), shopifyId: created.id } } });
    expect([mirror?.erpCustomerNo, mirror?.linkSource]).toEqual([no, "exported"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("an order that needs a customer gets one picked by hand", async () => {
    await newPage();
    const no = await erpNoByName("Walk-in customers (shop)");
    await open(page, demo, "/app/orders");
    await page.getByRole("button", { name: "Import orders" }).click();
    await expect.poll(() => db().job.count({ where: { shop: shop(), kind: "importOrders", status: "done" } }), { timeout: 30_000 }).toBe(1);
    const waiting = await db().importedOrder.findMany({ where: { shop: shop(), status: "needsCustomer" }, orderBy: { orderCreatedAt: "desc" } });
    expect(waiting.length).toBeGreaterThan(0);

    await page.getByRole("tab", { name: "Needs a customer" }).click();
    const order = waiting[0];
    const row = page.locator(".Polaris-IndexTable__TableRow").filter({ hasText: order.name });
    await row.getByRole("button", { name: "Pick customer" }).click();
    const dialog = page.getByRole("dialog");
    await pick(dialog.locator("#assign-sell-to"), no);
    await dialog.getByRole("button", { name: "Pick customer" }).click();
    await expect.poll(() => toasts(page).allInnerTexts(), WAIT).toContain(`Order ${order.name} goes to ${no}`);

    const after = await db().importedOrder.findUnique({ where: { shop_shopifyId: { shop: shop(), shopifyId: order.shopifyId } } });
    expect([after!.status, after!.sellToCustomerNo, after!.billToCustomerNo, after!.manual]).toEqual(["mapped", no, no, true]);
    await page.getByRole("tab", { name: "Chosen by hand" }).click();
    await page.locator(".Polaris-IndexTable__TableRow").filter({ hasText: order.name }).getByText("Chosen by hand", { exact: true }).waitFor();
    await screenshot(page, "flow-order-assigned");
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the shop card refuses a bad save next to the field and keeps a good one", async () => {
    await newPage();
    const saveBarSave = () => page.locator("ui-save-bar button[variant=primary]").click();
    await open(page, demo, "/app/settings");

    // An ERP customer that does not exist.
    await page.locator("#defaultCustomerNo").fill("NOPE-999");
    await saveBarSave();
    await page.getByText('There is no ERP customer "NOPE-999".').first().waitFor();
    expect((await db().shopSettings.findUnique({ where: { shop: shop() } }))!.defaultCustomerNo).toBe("");

    // Both update directions at once.
    const no = await erpNoByName("Walk-in customers (shop)");
    await page.locator("#defaultCustomerNo").fill(no);
    await page.getByText("Shopify can update customers", { exact: true }).click();
    await page.getByText("Can update Shopify customers", { exact: true }).click();
    await saveBarSave();
    await page.getByText('"Shopify can update customers" and "Can update Shopify customers" cannot both be on: choose one direction.').first().waitFor();
    await screenshot(page, "flow-settings-invalid");
    const unchanged = (await db().shopSettings.findUnique({ where: { shop: shop() } }))!;
    expect([unchanged.defaultCustomerNo, unchanged.shopifyCanUpdateCustomers, unchanged.canUpdateShopifyCustomers]).toEqual(["", false, false]);

    // A good save.
    await page.getByText("Can update Shopify customers", { exact: true }).click();
    await page.getByLabel("Sync automatically").selectOption("1h");
    await saveBarSave();
    await expect.poll(() => toasts(page).allInnerTexts(), WAIT).toContain("Settings saved");
    const saved = (await db().shopSettings.findUnique({ where: { shop: shop() } }))!;
    expect([saved.defaultCustomerNo, saved.shopifyCanUpdateCustomers, saved.canUpdateShopifyCustomers, saved.autoSync]).toEqual([no, true, false, "1h"]);
    await expect.poll(() => page.locator("ui-save-bar").isVisible(), WAIT).toBe(false);

    // It is still there after a reload.
    await open(page, demo, "/app/settings");
    expect(await page.locator("#defaultCustomerNo").inputValue()).toBe(no);
    expect(await page.getByLabel("Sync automatically").inputValue()).toBe("1h");
    expect(await page.getByLabel("Shopify can update customers", { exact: true }).isChecked()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a failed background job is shown on the sync log with its error, and Try again runs it again", async () => {
    await newPage();
    // A customers/update the queue gave up on (as after 8 failed attempts), its delivery kept to be tried again.
    const customer = demo.sim.customers(shop())[0];
    const numericId = customer.id.replace(/^.*\//, "");
    const error = "1 record(s) could not be saved; the webhook is processed again (SQLITE_BUSY: the ERP database was locked by another writer for longer than 10 s)";
    const failed = await db().job.create({
      data: {
        shop: shop(), kind: "webhook", key: customer.id, status: "failed", attempts: 8, maxAttempts: 8, lastError: error, finishedAt: new Date(),
        payload: JSON.stringify({ topic: "customers/update", payload: demo.sim.webhookPayload(shop(), "customers/update", customer.id), webhookId: `e2e-failed-${Date.now()}` }),
      },
    });

    // Home says so and links to the card.
    await open(page, demo, "/app");
    await page.getByText(/background jobs failed after all retries/).waitFor();
    await page.getByRole("link", { name: "See failed jobs" }).click();
    const card = page.getByTestId("failed-jobs");
    await card.waitFor();
    await expect.poll(() => page.evaluate(() => location.pathname + location.hash), WAIT).toBe("/app/log#failed-jobs");
    await card.getByRole("heading", { name: "Failed background jobs" }).waitFor();
    const row = card.locator("tr", { has: page.locator(`[data-job-id="${failed.id}"]`) });
    await row.getByText("Webhook customers/update", { exact: true }).waitFor();
    await row.getByText(error, { exact: true }).waitFor();
    expect(await row.getByRole("link", { name: `Customer ${numericId}` }).getAttribute("href")).toBe(`/app/customers?q=${numericId}`);
    expect(await row.innerText()).toContain("8 / 8");
    await screenshot(page, "flow-failed-jobs");

    await row.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => toasts(page).allInnerTexts(), WAIT).toContain(`Job ${failed.id} is back in the queue.`);
    // The app's worker runs it again; the row leaves the card.
    await expect.poll(async () => (await db().job.findUniqueOrThrow({ where: { id: failed.id } })).status, WAIT).toBe("done");
    expect(await db().job.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ attempts: 1, lastError: "" });
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
