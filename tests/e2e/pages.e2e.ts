// Every page of the admin UI opens without console errors, in English and in Swedish, with data in it
// (a sync and an order import run first); a screenshot of each goes to tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Demo } from "../../scripts/demo";
import { hasChromium, launch, open, screenshot, startApp, watch } from "./support";

const FAILED_JOB_ERROR = "Shopify did not answer after 5 attempts (503 Service Unavailable)";

describe.skipIf(!hasChromium)("admin pages", () => {
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;
  let someErpNo = "";

  beforeAll(async () => {
    demo = await startApp("pages");
    ({ browser, context } = await launch());
    someErpNo = (await demo.prisma.erpCustomer.findFirst({ where: { shop: demo.shop }, orderBy: { no: "asc" } }))!.no;
    // A background job that failed, for the sync log's card and Home's banner (kept failed: its kind has no handler).
    await demo.prisma.job.create({
      data: { shop: demo.shop, kind: "externalRun", key: `external:${demo.shop}`, payload: JSON.stringify({ label: "Sync customers" }), status: "failed", attempts: 1, maxAttempts: 1, lastError: FAILED_JOB_ERROR, finishedAt: new Date() },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function fresh(): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    return { page, problems: watch(page) };
  }

  test("a sync and an order import fill the app from the store", async () => {
    const { page, problems } = await fresh();
    await open(page, demo, "/app");
    await page.getByRole("button", { name: "Sync customers" }).click();
    await page.getByTestId("sync-progress").waitFor();
    await page.getByTestId("sync-progress").waitFor({ state: "detached", timeout: 60_000 });
    await open(page, demo, "/app/orders");
    await page.getByRole("button", { name: "Import orders" }).click();
    await expect.poll(() => demo.prisma.importedOrder.count({ where: { shop: demo.shop } }), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => demo.prisma.job.count({ where: { shop: demo.shop, kind: "importOrders", status: { in: ["queued", "running"] } } }), { timeout: 30_000 }).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  const pages: Array<[string, string, string, string]> = [
    // name, path, English heading, Swedish heading
    ["home", "/app", "Customer sync", "Kundsynkronisering"],
    ["settings", "/app/settings", "Shop card", "Butikskort"],
    ["countries", "/app/countries?country=US", "Customer setup by country/region", "Kundinställningar per land/region"],
    ["customers", "/app/customers", "Shopify customers", "Shopify-kunder"],
    ["customers-attention", "/app/customers?filter=attention", "Shopify customers", "Shopify-kunder"],
    ["erp-customers", "/app/erp", "ERP customers", "ERP-kunder"],
    ["erp-card", "/app/erp/{no}", "{no}", "{no}"],
    ["erp-new", "/app/erp/new", "New ERP customer", "Ny ERP-kund"],
    ["orders", "/app/orders", "Imported orders", "Importerade ordrar"],
    ["log", "/app/log", "Sync log", "Synkroniseringslogg"],
  ];

  for (const locale of ["en", "sv"] as const) {
    test.each(pages)(`%s opens without console errors (${locale})`, async (name, pathname, en, sv) => {
      const { page, problems } = await fresh();
      await open(page, demo, pathname.replace("{no}", someErpNo), locale);
      const heading = (locale === "en" ? en : sv).replace("{no}", someErpNo);
      await expect.poll(() => page.locator("h1").first().innerText()).toContain(heading);
      await screenshot(page, `${name}-${locale}`);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  test.each([
    ["en", "Failed background jobs", "Run from the command line", "See failed jobs"],
    ["sv", "Misslyckade bakgrundsjobb", "Körning från kommandoraden", "Visa misslyckade jobb"],
  ])("the sync log lists failed background jobs with their error (%s)", async (locale, title, kind, homeAction) => {
    const { page, problems } = await fresh();
    await open(page, demo, "/app", locale);
    await page.getByRole("link", { name: homeAction }).waitFor();
    await open(page, demo, "/app/log", locale);
    const card = page.getByTestId("failed-jobs");
    await card.getByRole("heading", { name: title }).waitFor();
    const row = card.locator("tr", { hasText: kind });
    await row.getByText(FAILED_JOB_ERROR, { exact: true }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the Swedish admin gets Swedish text, Polaris' own texts included", async () => {
    const { page, problems } = await fresh();
    await open(page, demo, "/app/customers", "sv");
    await expect(page.locator("html")).toHaveAttribute("lang", "sv");
    await page.getByRole("tab", { name: "Behöver åtgärdas" }).waitFor();
    await page.locator("th:visible", { hasText: "Senaste problem" }).first().waitFor();
    // Polaris' translations (sv.json): the select-all checkbox of the index table.
    await page.getByLabel(/^Välj alla /).first().waitFor({ state: "attached" });
    await open(page, demo, "/app", "sv");
    await page.getByRole("button", { name: "Synkronisera kunder" }).waitFor();
    await expect(page.getByText("Customer sync", { exact: true })).toHaveCount(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});

// vitest's expect has no toHaveAttribute/toHaveCount: small helpers for Playwright locators.
declare module "vitest" {
  interface Assertion<T> {
    toHaveAttribute(name: string, value: string): Promise<void>;
    toHaveCount(n: number): Promise<void>;
  }
}
expect.extend({
  async toHaveAttribute(locator: any, name: string, value: string) {
    const actual = await locator.getAttribute(name);
    return { pass: actual === value, message: () => `expected attribute ${name}="${value}", got "${actual}"` };
  },
  async toHaveCount(locator: any, n: number) {
    const actual = await locator.count();
    return { pass: actual === n, message: () => `expected ${n} elements, got ${actual}` };
  },
});
