// Serves the App Bridge stand-in (app-bridge-stub.browser.js) to the demo server and the browser tests.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const STUB_PATH = "/__stub/app-bridge.js";
export const TOKEN_PATH = "/__stub/session-token";
export const APP_BRIDGE_CDN_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "app-bridge-stub.browser.js");

export function appBridgeStubSource(): string {
  return `window.__STUB_CONFIG__ = ${JSON.stringify({ tokenPath: TOKEN_PATH })};\n` + readFileSync(file, "utf8");
}
