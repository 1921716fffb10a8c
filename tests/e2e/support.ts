// Browser tests: Debian's Chromium driven by playwright-core against the app's production build running with the
// Shopify simulator (scripts/demo.ts startDemo), with App Bridge's CDN script answered by the local stand-in.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ROOT, removeDatabase } from "../support/app-harness";
import { APP_BRIDGE_CDN_URL, appBridgeStubSource } from "./app-bridge-stub";
import type { Demo } from "../../scripts/demo";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const BUILD_DIR = path.join(ROOT, "tmp", "e2e-build");
export const SCREENSHOTS = path.join(ROOT, "tests", "e2e", "screenshots");

if (!hasChromium) {
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium`);
}

export async function startApp(name: string, o: { customers?: number; orders?: number } = {}): Promise<Demo> {
  const { startDemo } = await import("../../scripts/demo");
  const dbFile = path.join(ROOT, "tmp", `e2e-${name}-${process.pid}.sqlite`);
  const demo = await startDemo({
    buildDir: BUILD_DIR,
    dbFile,
    customers: o.customers ?? 150,
    orders: o.orders ?? 24,
    seed: 11,
    localAppBridge: false,
    quiet: true,
  });
  const close = demo.close.bind(demo);
  demo.close = async () => {
    await close();
    removeDatabase(dbFile);
  };
  return demo;
}

export async function launch(): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  // Shopify's library answers requests from bots with 410 Gone; headless Chromium says "HeadlessChrome".
  const probe = await browser.newPage();
  const userAgent = (await probe.evaluate(() => navigator.userAgent)).replace("HeadlessChrome", "Chrome");
  await probe.close();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, userAgent });
  const stub = appBridgeStubSource();
  await context.route(APP_BRIDGE_CDN_URL, (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: stub }));
  return { browser, context };
}

/** Console errors, uncaught exceptions and failed requests of a page, collected for assertions. */
export function watch(page: Page) {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // The text of an error object is only its (minified) class name: record its fields too (status, data, message).
    void Promise.all(m.args().map((a) => a.evaluate((v: any) => (v && typeof v === "object" ? JSON.stringify({ status: v.status, statusText: v.statusText, data: v.data, message: v.message }) : String(v))).catch(() => "?")))
      .then((args) => problems.push(`console.error: ${m.text()} ${args.join(" ").slice(0, 400)}`))
      .catch(() => problems.push(`console.error: ${m.text()}`));
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url().slice(0, 160)}`);
  });
  page.on("requestfailed", (r) => {
    // Navigations away from a page abort its pending fetches; those are not problems.
    if (r.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url().slice(0, 160)} ${r.failure()?.errorText}`);
  });
  return problems;
}

/** Open a page of the embedded app the way Shopify admin opens it (id_token, shop, host, embedded, locale). */
export async function open(page: Page, demo: Demo, pathname: string, locale = "en") {
  await page.goto(demo.appUrl(pathname, { locale }));
  await page.waitForLoadState("networkidle");
  await page.locator(".Polaris-Page").first().waitFor();
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Every App Bridge toast text this page has shown, including those already gone. */
export function toastHistory(page: Page): Promise<string[]> {
  return page.evaluate(() => ((window as unknown as { __toastHistory?: string[] }).__toastHistory ?? []).slice());
}

/** The App Bridge toast texts shown so far (the stand-in draws them in #stub-toasts). */
export function toasts(page: Page) {
  return page.locator("#stub-toasts .stub-toast");
}
