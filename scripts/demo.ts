// npm run demo: the product, offline. Starts the Shopify simulator with a realistic store, an ERP customer master
// with customers that match, conflict and are new, and the app (its production build, rebuilt when app/ changed)
// wired to the simulator; stores an offline session, starts the job queue, and serves an "admin" page that embeds
// the app in an iframe with a local stand-in for App Bridge. Open the printed URL.
//
//   npm run demo [-- --port 3000] [--customers 300] [--orders 40] [--seed 7]
//                [--shopify-csv <Shopify customers export.csv>] [--erp-csv <ERP customers.csv>]
//
// startDemo() is also what the browser tests (tests/e2e) run the app with.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { API_KEY, API_SECRET, ROOT, migrateFresh } from "../tests/support/app-harness";
import { startSimulator, type ShopifySimulator } from "../tests/simulator/index";
import { generateCustomers, generateOrders } from "../tests/simulator/generator";
import { loadShopifyCustomersCsv } from "../tests/simulator/csv";
import { APP_BRIDGE_CDN_URL, STUB_PATH, TOKEN_PATH, appBridgeStubSource } from "../tests/e2e/app-bridge-stub";

export const DEMO_SHOP = "nordic-outdoor.myshopify.com";
const SCOPES = "read_customers,write_customers,read_orders";

export interface DemoOptions {
  port?: number;
  shop?: string;
  customers?: number;
  orders?: number;
  seed?: number;
  shopifyCsv?: string;
  erpCsv?: string;
  dbFile?: string;
  /** Where the production build lives (the browser tests build their own copy). */
  buildDir?: string;
  /** Serve the App Bridge stand-in at the CDN URL's place (the demo); the browser tests intercept the CDN URL instead. */
  localAppBridge?: boolean;
  quiet?: boolean;
}

export interface Demo {
  url: string;
  adminUrl: string;
  shop: string;
  sim: ShopifySimulator;
  prisma: import("@prisma/client").PrismaClient;
  /** A fresh session token (JWT signed with the app secret) for the shop. */
  sessionToken(expiresInS?: number): string;
  /** The embedded app URL Shopify admin would open, with a fresh id_token. */
  appUrl(pathname?: string, o?: { locale?: string }): string;
  close(): Promise<void>;
}

// ---------- build ----------

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Build the app (remix vite:build) unless the build is newer than every source file it is made of. */
export function ensureBuild(buildDir: string, o: { quiet?: boolean; force?: boolean } = {}) {
  // Two processes building into one directory at once would mix their assets: take a lock directory first.
  const lock = `${buildDir}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Another build holds ${lock}; remove it if no build is running.`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    buildIfStale(buildDir, o);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildIfStale(buildDir: string, o: { quiet?: boolean; force?: boolean }) {
  const serverEntry = path.join(buildDir, "server", "index.js");
  const sources = Math.max(
    newestMtime(path.join(ROOT, "app")),
    newestMtime(path.join(ROOT, "public")),
    statSync(path.join(ROOT, "vite.config.ts")).mtimeMs,
    statSync(path.join(ROOT, "package-lock.json")).mtimeMs,
  );
  if (!o.force && existsSync(serverEntry) && statSync(serverEntry).mtimeMs > sources) return;
  if (!o.quiet) console.log(`Building the app into ${path.relative(ROOT, buildDir) || "."} …`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "vite:build"], {
    cwd: ROOT,
    env: { ...process.env, UI_BUILD_DIR: buildDir, NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`The app build failed:\n${(r.stdout + "\n" + r.stderr).slice(0, 4000)}`);
  if (!o.quiet) console.log(`  built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------- HTTP glue: node:http <-> the Remix request handler ----------

const MIME: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

function serveStatic(clientDir: string, req: IncomingMessage, res: ServerResponse): boolean {
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (pathname === "/" || pathname.includes("..")) return false;
  const file = path.join(clientDir, pathname);
  if (!file.startsWith(clientDir) || !existsSync(file) || !statSync(file).isFile()) return false;
  const immutable = pathname.startsWith("/assets/");
  res.writeHead(200, {
    "Content-Type": MIME[path.extname(file)] ?? "application/octet-stream",
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
  });
  res.end(readFileSync(file));
  return true;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (typeof v === "string") headers.set(k, v);
  }
  const chunks: Buffer[] = [];
  if (req.method !== "GET" && req.method !== "HEAD") for await (const c of req) chunks.push(c as Buffer);
  const controller = new AbortController();
  req.on("close", () => controller.abort());
  return new Request(origin + req.url, {
    method: req.method,
    headers,
    body: chunks.length ? Buffer.concat(chunks) : undefined,
    signal: controller.signal,
  });
}

async function sendResponse(res: ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k === "set-cookie") return;
    headers[k] = v;
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) headers["set-cookie"] = cookies;
  // The demo's admin page is this same origin; Shopify's frame-ancestors only name the shop's admin.
  const csp = headers["content-security-policy"];
  if (typeof csp === "string" && csp.includes("frame-ancestors")) headers["content-security-policy"] = csp.replace("frame-ancestors", "frame-ancestors 'self'");
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  for await (const chunk of response.body as any) res.write(chunk);
  res.end();
}

// ---------- the admin frame ----------

function adminPage(shop: string, locale: string): string {
  const host = Buffer.from(`${shop}/admin`).toString("base64url");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shopify admin (offline demo) · ${shop}</title>
<link rel="icon" href="/favicon.svg">
<style>
  *{box-sizing:border-box} body{margin:0;font:14px system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f1f1;color:#303030;height:100vh;display:grid;grid-template-rows:48px 1fr;grid-template-columns:240px 1fr}
  header{grid-column:1/3;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;gap:16px;padding:0 16px}
  header b{color:#fff} header .sp{flex:1} header select{background:#303030;color:#fff;border:1px solid #4a4a4a;border-radius:8px;padding:4px 8px}
  nav{background:#ebebeb;padding:12px 8px;overflow:auto;border-right:1px solid #ddd}
  nav .app{font-weight:650;padding:8px 10px;display:flex;gap:8px;align-items:center} nav .app img{width:20px;height:20px}
  nav a{display:block;padding:6px 10px 6px 36px;border-radius:8px;color:#303030;text-decoration:none;cursor:pointer}
  nav a:hover{background:#e0e0e0} nav a.on{background:#fff;font-weight:600}
  main{padding:0;overflow:hidden} iframe{border:0;width:100%;height:100%;background:#f1f1f1}
  #adminlink{font-size:12px;color:#b5b5b5}
</style></head>
<body>
<header><b>Shopify admin</b><span>${shop}</span><span id="adminlink"></span><span class="sp"></span>
  <label>Language <select id="lang"><option value="en">English</option><option value="sv">Svenska</option></select></label></header>
<nav><div class="app"><img src="/favicon.svg" alt="">Customer sync</div><div id="menu"></div></nav>
<main><iframe id="app" title="Customer sync"></iframe></main>
<script>
  const shop = ${JSON.stringify(shop)}, host = ${JSON.stringify(host)};
  const frame = document.getElementById("app"), menu = document.getElementById("menu"), lang = document.getElementById("lang");
  lang.value = ${JSON.stringify(locale)};
  let current = "/app";
  async function open(path) {
    const r = await fetch(${JSON.stringify(TOKEN_PATH)} + "?shop=" + encodeURIComponent(shop));
    const { token } = await r.json();
    const u = new URL(path, location.origin);
    for (const [k, v] of Object.entries({ embedded: "1", shop, host, locale: lang.value, id_token: token })) u.searchParams.set(k, v);
    frame.src = u.pathname + u.search;
  }
  lang.onchange = () => { history.replaceState(null, "", "/?locale=" + lang.value); open(current); };
  window.addEventListener("message", (e) => {
    if (e.origin !== location.origin || !e.data) return;
    if (e.data.type === "stub:nav") {
      menu.innerHTML = "";
      for (const item of e.data.items) {
        const a = document.createElement("a");
        a.textContent = item.label; a.dataset.href = item.href;
        a.onclick = () => frame.contentWindow.postMessage({ type: "stub:navigate", href: item.href }, location.origin);
        menu.appendChild(a);
      }
      mark();
    }
    if (e.data.type === "stub:location") { current = e.data.path.split("?")[0]; mark(); }
    if (e.data.type === "stub:admin-link") document.getElementById("adminlink").textContent = "→ " + e.data.href;
  });
  function mark() {
    for (const a of menu.querySelectorAll("a")) {
      const href = a.dataset.href;
      a.classList.toggle("on", href === "/app" ? current === "/app" : current === href || current.startsWith(href + "/"));
    }
  }
  open("/app");
</script>
</body></html>`;
}

// ---------- seed data ----------

interface ErpSeed {
  no: string;
  [k: string]: string | boolean;
}

const COUNTRIES = [
  ["SE", "SE", "Sweden"], ["DE", "DE", "Germany"], ["DK", "DK", "Denmark"], ["US", "US", "United States"],
  ["GB", "GB", "United Kingdom"], ["FR", "FR", "France"], ["NL", "NL", "Netherlands"], ["EL", "GR", "Greece"],
  ["IE", "IE", "Ireland"], ["NO", "NO", "Norway"], ["FI", "FI", "Finland"],
] as const;

const TEMPLATES = [
  { code: "SE-RETAIL", description: "Consumers in Sweden", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "14 DAYS", taxAreaCode: "" },
  { code: "EU-RETAIL", description: "Consumers in the EU", genBusPostingGroup: "EU", customerPostingGroup: "EU", vatBusPostingGroup: "EU", paymentTermsCode: "30 DAYS", taxAreaCode: "" },
  { code: "US-RETAIL", description: "Consumers in the United States", genBusPostingGroup: "EXPORT", customerPostingGroup: "FOREIGN", vatBusPostingGroup: "EXPORT", paymentTermsCode: "30 DAYS", taxAreaCode: "US" },
  { code: "EXPORT", description: "Everyone else", genBusPostingGroup: "EXPORT", customerPostingGroup: "FOREIGN", vatBusPostingGroup: "EXPORT", paymentTermsCode: "30 DAYS", taxAreaCode: "" },
];

const ERP_COUNTRY_OF_ISO: Record<string, string> = Object.fromEntries(COUNTRIES.map(([code, iso]) => [iso, code]));

/** A deterministic pick of ERP customers from the Shopify store: matching, conflicting and ERP-only ones. */
export function erpSeedFor(customers: any[], seed = 7): ErpSeed[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: ErpSeed[] = [];
  let n = 1;
  const next = () => `C${String(n++).padStart(5, "0")}`;
  const fromShopify = (c: any, o: { email?: boolean; phone?: "e164" | "national" | "none"; changeCity?: boolean } = {}): ErpSeed => {
    const addr = c.addresses?.find((x: any) => x.id === c.defaultAddress?.id) ?? c.addresses?.[0] ?? null;
    const iso = addr?.countryCodeV2 ?? "";
    const phone = c.defaultPhoneNumber?.phoneNumber ?? "";
    const national = phone.replace(/^\+46/, "0").replace(/^\+49/, "0").replace(/^\+45/, "").replace(/^\+44/, "0").replace(/^\+33/, "0").replace(/^\+31/, "0");
    const person = [c.firstName, c.lastName].filter(Boolean).join(" ");
    const company = addr?.company ?? "";
    return {
      no: next(),
      name: company || person || c.defaultEmailAddress?.emailAddress || "Customer",
      name2: company ? person : "",
      contact: person,
      address: addr?.address1 ?? "",
      address2: addr?.address2 ?? "",
      postCode: addr?.zip ?? "",
      city: o.changeCity ? `${addr?.city ?? ""} C`.trim() : addr?.city ?? "",
      county: addr?.provinceCode ?? "",
      countryCode: ERP_COUNTRY_OF_ISO[iso] ?? iso,
      phoneNo: o.phone === "none" ? "" : o.phone === "national" ? national : phone,
      email: o.email === false ? "" : c.defaultEmailAddress?.emailAddress ?? "",
      templateCode: iso === "SE" ? "SE-RETAIL" : iso === "US" ? "US-RETAIL" : ["DE", "DK", "FR", "NL"].includes(iso) ? "EU-RETAIL" : "EXPORT",
    };
  };
  const withEmail = customers.filter((c) => c.defaultEmailAddress?.emailAddress && c.addresses?.length);
  const withPhoneOnly = customers.filter((c) => c.defaultPhoneNumber?.phoneNumber && c.addresses?.length && !withEmail.includes(c));
  // Matching by email: about a third of the customers with an email (a few with another city: updated by Sync).
  for (const c of withEmail) if (rnd() < 0.33) out.push(fromShopify(c, { phone: rnd() < 0.5 ? "e164" : "national", changeCity: rnd() < 0.1 }));
  // Matching by phone only, written the way people type numbers at home.
  for (const c of withPhoneOnly.slice(0, 6)) out.push(fromShopify(c, { email: false, phone: "national" }));
  // Two ERP customers with the same email: the lowest number wins, ambiguousMatch lists the other.
  const dup = withEmail.find((c) => !out.some((e) => e.email === c.defaultEmailAddress.emailAddress));
  if (dup) {
    out.push(fromShopify(dup));
    out.push({ ...fromShopify(dup), name: `${fromShopify(dup).name} (old account)` });
  }
  // Conflicting: the email of one Shopify customer and the phone of another → conflictingMatch on "Add to Shopify".
  const free = withEmail.filter((c) => !out.some((e) => e.email === c.defaultEmailAddress.emailAddress) && c.defaultPhoneNumber?.phoneNumber);
  for (let i = 0; i + 1 < free.length && i < 4; i += 2) {
    const e = fromShopify(free[i]);
    out.push({ ...e, phoneNo: free[i + 1].defaultPhoneNumber.phoneNumber, name: `${e.name} (conflict)` });
  }
  // ERP-only customers, new to Shopify: most can be added, a few cannot (and the log says why).
  const newOnes: Array<Partial<ErpSeed>> = [
    { name: "Fjällbacka Friluft AB", contact: "Karin Ek", address: "Hamngatan 4", postCode: "457 40", city: "Fjällbacka", countryCode: "SE", phoneNo: "0525-310 12", email: "karin@fjallbacka-friluft.example.se", templateCode: "SE-RETAIL" },
    { name: "Ove Lindqvist", contact: "Ove Lindqvist", address: "Storgatan 12", postCode: "903 26", city: "Umeå", countryCode: "SE", phoneNo: "070-123 45 67", email: "ove.lindqvist@example.se", templateCode: "SE-RETAIL" },
    { name: "Berliner Bergsport GmbH", contact: "Jonas Weber", address: "Torstraße 110", postCode: "10119", city: "Berlin", countryCode: "DE", phoneNo: "030 1234567", email: "einkauf@berliner-bergsport.example.de", templateCode: "EU-RETAIL" },
    { name: "Maria Papadopoulou", contact: "Maria Papadopoulou", address: "Ermou 25", postCode: "105 63", city: "Athens", countryCode: "EL", phoneNo: "+30 21 0123 4567", email: "maria.p@example.gr", templateCode: "EXPORT" },
    { name: "Trail Supply Co.", contact: "Sam Carter", address: "500 Pine St", postCode: "98101", city: "Seattle", county: "WA", countryCode: "US", phoneNo: "(206) 555-0142", email: "orders@trailsupply.example.com", templateCode: "US-RETAIL" },
    { name: "Highland Hikers Ltd", contact: "Fiona Grant", address: "12 Rose Street", postCode: "EH2 2PR", city: "Edinburgh", countryCode: "GB", phoneNo: "0131 496 0000", email: "fiona@highlandhikers.example.co.uk", templateCode: "EXPORT" },
    { name: "Peak & Pine", contact: "Ella Jensen", address: "Nørregade 7", postCode: "1165", city: "København", countryCode: "DK", phoneNo: "33 12 34 56", email: "ella@peakpine.example.dk; faktura@peakpine.example.dk", templateCode: "EU-RETAIL" },
    { name: "Lars Nyberg", contact: "Lars Nyberg", address: "Kungsgatan 2", postCode: "111 43", city: "Stockholm", countryCode: "SE", phoneNo: "08-123 456 78", email: "lars.nyberg@example.se", templateCode: "SE-RETAIL" },
    { name: "Atelier Montagne", contact: "Claire Dubois", address: "8 Rue de la Paix", postCode: "75002", city: "Paris", countryCode: "FR", phoneNo: "01 42 68 53 00", email: "claire@atelier-montagne.example.fr", templateCode: "EU-RETAIL" },
    { name: "De Wandelwinkel", contact: "Pieter de Vries", address: "Prinsengracht 263", postCode: "1016 GV", city: "Amsterdam", countryCode: "NL", phoneNo: "020 555 0123", email: "pieter@wandelwinkel.example.nl", templateCode: "EU-RETAIL" },
    { name: "Walk-in customers (shop)", contact: "", address: "Hamngatan 1", postCode: "411 14", city: "Göteborg", countryCode: "SE", phoneNo: "", email: "", templateCode: "SE-RETAIL" },
    { name: "Nisse Hult", contact: "Nisse Hult", address: "Byvägen 3", postCode: "360 10", city: "Ryd", countryCode: "SE", phoneNo: "12345", email: "nisse.hult@example.se", templateCode: "SE-RETAIL" },
    { name: "Rocky Ridge Outfitters", contact: "Dana Miles", address: "77 Main St", postCode: "80302", city: "Boulder", county: "Colorado", countryCode: "US", phoneNo: "303 555 0199", email: "dana@rockyridge.example.com", templateCode: "US-RETAIL" },
    { name: "Kari Nordmann", contact: "Kari Nordmann", address: "Karl Johans gate 1", postCode: "0154", city: "Oslo", countryCode: "NO", phoneNo: "22 33 44 55", email: "kari nordmann@example.no", templateCode: "EXPORT" },
  ];
  for (const c of newOnes) out.push({ no: next(), ...c } as ErpSeed);
  return out;
}

async function seed(prisma: import("@prisma/client").PrismaClient, shop: string, customers: any[], o: { seed: number; erpCsv?: string }) {
  const { setErpCustomer } = await import("../app/erp/master");
  await prisma.companyInformation.create({ data: { shop, name: "Nordic Outdoor AB", countryCode: "SE" } });
  await prisma.erpCountry.createMany({ data: COUNTRIES.map(([code, isoCode, name]) => ({ shop, code, isoCode, name })) });
  await prisma.customerTemplate.createMany({ data: TEMPLATES.map((t) => ({ shop, ...t })) });
  await prisma.countrySetup.createMany({
    data: [
      { shop, countryCode: "SE", customerTemplateCode: "SE-RETAIL" },
      { shop, countryCode: "DE", customerTemplateCode: "EU-RETAIL" },
      { shop, countryCode: "DK", customerTemplateCode: "EU-RETAIL" },
      { shop, countryCode: "US", customerTemplateCode: "US-RETAIL" },
    ],
  });
  const regions = createRequire(import.meta.url)("country-region-data/data.json");
  const us = (regions as Array<{ countryShortCode: string; regions: Array<{ name: string; shortCode: string }> }>).find((c) => c.countryShortCode === "US");
  await prisma.taxArea.createMany({
    data: (us?.regions ?? []).map((r) => ({ shop, countryCode: "US", county: r.name, countyCode: r.shortCode, taxAreaCode: `US-${r.shortCode}`, taxLiable: true, vatBusPostingGroup: "" })),
  });
  let erpCount = 0;
  if (o.erpCsv) {
    const { importErpCsv } = await import("../app/erp/csv");
    const r = await importErpCsv(prisma, shop, readFileSync(o.erpCsv), { skipBadRows: true });
    erpCount = r.imported;
    for (const e of r.errors.slice(0, 10)) console.warn(`  ERP CSV line ${e.line}: ${e.message}`);
  } else {
    const templates = new Map(TEMPLATES.map((t) => [t.code, t]));
    for (const c of erpSeedFor(customers, o.seed)) {
      const t = templates.get(String(c.templateCode));
      const { description: _d, code: _c, ...defaults } = t ?? ({} as any);
      await setErpCustomer(prisma, shop, { ...defaults, ...c });
      erpCount++;
    }
  }
  const maxNo = (await prisma.erpCustomer.findMany({ where: { shop, no: { startsWith: "C" } }, select: { no: true } }))
    .map((r) => Number(r.no.slice(1)))
    .filter((x) => Number.isFinite(x))
    .reduce((a, b) => Math.max(a, b), 0);
  await prisma.numberSeries.create({ data: { shop, prefix: "C", next: maxNo + 1, width: 5 } });
  await prisma.shopSettings.create({
    data: {
      shop,
      customerImport: "allCustomers",
      customerMappingType: "byEmailPhone",
      autoCreateUnknownCustomers: true,
      customerTemplateCode: "EXPORT",
      defaultCustomerNo: "",
      nameSource: "companyName",
      name2Source: "firstAndLastName",
      contactSource: "firstAndLastName",
      countySource: "code",
      autoSync: "off",
    },
  });
  return erpCount;
}

// ---------- start ----------

export async function startDemo(o: DemoOptions = {}): Promise<Demo> {
  const shop = o.shop ?? DEMO_SHOP;
  // Its own build, so that a build someone runs meanwhile (npm run build) cannot swap assets under a running demo.
  const buildDir = o.buildDir ?? path.join(ROOT, "tmp", "demo-build");
  const dbFile = o.dbFile ?? path.join(ROOT, "tmp", "demo.sqlite");
  const log = (s: string) => (o.quiet ? undefined : console.log(s));
  ensureBuild(buildDir, { quiet: o.quiet });
  migrateFresh(dbFile);

  // The app's HTTP server first: the simulator needs its webhook address.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as any).port as number;
  const origin = `http://127.0.0.1:${port}`;

  const sim = await startSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl: `${origin}/webhooks`, autoWebhooks: false });

  Object.assign(process.env, {
    DATABASE_URL: "file:" + dbFile,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: origin,
    SHOPIFY_SIMULATOR_URL: sim.url,
    SCOPES,
    SHOPIFY_API_TIMEOUT_MS: "10000",
  });
  if (o.localAppBridge !== false) process.env.APP_BRIDGE_URL = STUB_PATH;
  else delete process.env.APP_BRIDGE_URL;

  // One database client for the demo's seeding and the app (app/db.server.ts reuses globalThis.__prisma).
  const { createPrismaClient } = await import("../app/db.server");
  const prisma = createPrismaClient("file:" + dbFile);
  (globalThis as any).__prisma = prisma;

  // The store.
  const customers = o.shopifyCsv ? loadShopifyCustomersCsv(o.shopifyCsv) : generateCustomers({ count: o.customers ?? 300, seed: o.seed ?? 7 });
  sim.setCustomers(shop, customers);
  const orders = generateOrders(customers, { count: o.orders ?? 40, seed: o.seed ?? 7, guestShare: 0.25 });
  for (const order of orders) sim.setOrder(shop, order);
  sim.setAutoWebhooks(true);
  const erpCount = await seed(prisma, shop, customers, { seed: o.seed ?? 7, erpCsv: o.erpCsv });
  // The offline session Shopify's token exchange would have stored at install.
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: SCOPES, accessToken: sim.issueAccessToken(shop) } });

  // The app (production build; its entry starts the job queue).
  const build = await import(pathToFileURL(path.join(buildDir, "server", "index.js")).href);
  const { createRequestHandler } = await import("@remix-run/node");
  const handle = createRequestHandler(build, "production");
  // Webhook deliveries take the app server's direct path (server.ts), as in production.
  const webhooks = build.entry.module as Pick<typeof import("../app/webhooks/node-http.server"), "isWebhookRequest" | "handleWebhookRequest">;
  const clientDir = path.join(buildDir, "client");
  const stub = appBridgeStubSource();

  server.on("request", async (req, res) => {
    if (webhooks.isWebhookRequest(req)) return void webhooks.handleWebhookRequest(req, res, origin);
    try {
      const url = new URL(req.url ?? "/", origin);
      if (url.pathname === "/" && !url.searchParams.has("shop")) {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
        return void res.end(adminPage(shop, url.searchParams.get("locale") === "sv" ? "sv" : "en"));
      }
      if (url.pathname === STUB_PATH) {
        res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" });
        return void res.end(stub);
      }
      if (url.pathname === TOKEN_PATH) {
        const token = sim.sessionToken(url.searchParams.get("shop") || shop, { expiresInS: 300 });
        res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        return void res.end(JSON.stringify({ token, exp: Math.floor(Date.now() / 1000) + 300 }));
      }
      if ((req.method === "GET" || req.method === "HEAD") && serveStatic(clientDir, req, res)) return;
      await sendResponse(res, await handle(await toRequest(req, origin)));
    } catch (e) {
      console.error(e);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("Internal error");
    }
  });

  const demo: Demo = {
    url: origin,
    adminUrl: `${origin}/`,
    shop,
    sim,
    prisma,
    sessionToken: (expiresInS = 300) => sim.sessionToken(shop, { expiresInS }),
    appUrl(pathname = "/app", p = {}) {
      const u = new URL(pathname, origin);
      u.searchParams.set("embedded", "1");
      u.searchParams.set("shop", shop);
      u.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
      u.searchParams.set("locale", p.locale ?? "en");
      u.searchParams.set("id_token", sim.sessionToken(shop, { expiresInS: 300 }));
      return u.toString();
    },
    async close() {
      // The job queue and schedule the app's entry started (app/ui/worker.server.ts).
      await (globalThis as any).__customerSyncWorker?.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await sim.close();
      await prisma.$disconnect();
    },
  };
  log(`Shopify simulator: ${sim.url} (${customers.length} customers, ${orders.length} orders in ${shop})`);
  const erpSource = o.erpCsv ? `from ${path.relative(process.cwd(), o.erpCsv)}` : "matching, conflicting and new ones";
  log(`ERP customer master: ${erpCount} customers (${erpSource}); database ${path.relative(ROOT, dbFile)}`);
  return demo;
}

// ---------- command line ----------

function parseArgs(argv: string[]): DemoOptions {
  const o: DemoOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--port") o.port = Number(value());
    else if (a === "--customers") o.customers = Number(value());
    else if (a === "--orders") o.orders = Number(value());
    else if (a === "--seed") o.seed = Number(value());
    else if (a === "--shopify-csv") o.shopifyCsv = path.resolve(value());
    else if (a === "--erp-csv") o.erpCsv = path.resolve(value());
    else if (a === "--help" || a === "-h") {
      console.log("npm run demo [-- --port 3000] [--customers 300] [--orders 40] [--seed 7] [--shopify-csv file] [--erp-csv file]");
      process.exit(0);
    } else throw new Error(`Unknown option ${a} (try --help)`);
  }
  for (const f of [o.shopifyCsv, o.erpCsv]) if (f && !existsSync(f)) throw new Error(`No such file: ${f}`);
  return o;
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const o = parseArgs(process.argv.slice(2));
  const demo = await startDemo({ port: 3000, ...o });
  console.log("");
  console.log(`  Open ${demo.adminUrl}  (Shopify admin stand-in with the app embedded; ?locale=sv for Swedish)`);
  console.log(`  App Bridge is served locally at ${STUB_PATH} instead of ${APP_BRIDGE_CDN_URL}.`);
  console.log("  Try: Sync customers on Home, then Shopify customers, ERP customers → Add to Shopify, Imported orders → Import orders.");
  console.log("  Ctrl+C stops the demo.");
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
