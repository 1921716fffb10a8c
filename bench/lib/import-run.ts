// One import benchmark run in a fresh process: prepares the ERP master (half of the Shopify customers match an
// ERP customer by email or by phone), then runs one Sync customers run and prints its metrics as JSON.
// Env: BENCH_SIM_URL, BENCH_TOKEN, BENCH_CUSTOMERS, BENCH_SEED, BENCH_PHASE=prepare|run, BENCH_DB
// The run phase loads only what the app loads (the test harness would bring the simulator's ~17 MB along).
export {};

const shop = process.env.BENCH_SHOP ?? "bench-shop.myshopify.com";
const dbFile = process.env.BENCH_DB!;
const phase = process.env.BENCH_PHASE ?? "run";
if (phase === "prepare") (await import("../../tests/support/app-harness")).migrateFresh(dbFile);
process.env.DATABASE_URL = "file:" + dbFile;
process.env.SHOPIFY_API_KEY = "test-api-key";
process.env.SHOPIFY_API_SECRET = "test-api-secret";
process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3000";
process.env.SHOPIFY_SIMULATOR_URL = process.env.BENCH_SIM_URL!;
process.env.NODE_ENV = "production";

const { default: prisma } = await import("../../app/db.server");

if (phase === "prepare") {
  const { generateCustomers } = await import("../../tests/simulator/generator");
  const { saveSettings } = await import("../../app/sync/settings");
  const { default: shopify } = await import("../../app/shopify.server");
  const { Session } = await import("@shopify/shopify-api");
  const n = Number(process.env.BENCH_CUSTOMERS);
  const customers = generateCustomers({ count: n, seed: Number(process.env.BENCH_SEED ?? 7) });
  await saveSettings(prisma, shop, { customerImport: "allCustomers", autoCreateUnknownCustomers: true, customerTemplateCode: "RETAIL" });
  await prisma.companyInformation.create({ data: { shop, name: "Bench AB", countryCode: "SE" } });
  await prisma.customerTemplate.create({ data: { shop, code: "RETAIL", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "30D" } });
  for (const [code, name] of [["SE", "Sweden"], ["DE", "Germany"], ["DK", "Denmark"], ["US", "United States"], ["GB", "United Kingdom"], ["FR", "France"], ["NL", "Netherlands"]]) {
    await prisma.erpCountry.create({ data: { shop, code, isoCode: code, name } });
  }
  await prisma.numberSeries.create({ data: { shop, prefix: "C", next: 500001, width: 6 } });
  // Half of the Shopify customers already exist in the ERP: every other one, by email, else by phone.
  const rows: any[] = [];
  customers.forEach((c, i) => {
    if (i % 2) return;
    const email = c.defaultEmailAddress?.emailAddress ?? "";
    const phone = c.defaultPhoneNumber?.phoneNumber ?? "";
    if (!email && !phone) return;
    const a = c.addresses?.[0] ?? {};
    rows.push({
      shop,
      no: `E${String(i).padStart(7, "0")}`,
      name: [c.firstName, c.lastName].filter(Boolean).join(" ") || "Kund",
      address: a.address1 ?? "",
      postCode: a.zip ?? "",
      city: a.city ?? "",
      countryCode: a.countryCodeV2 ?? "",
      email: i % 4 === 0 ? email : "",
      phoneNo: i % 4 === 0 && email ? "" : phone,
    });
  });
  for (let i = 0; i < rows.length; i += 5000) await prisma.erpCustomer.createMany({ data: rows.slice(i, i + 5000) });
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_customers,write_customers,read_orders", accessToken: process.env.BENCH_TOKEN! });
  await shopify.sessionStorage.storeSession(session);
  console.log(JSON.stringify({ prepared: n, erpCustomers: rows.length }));
  process.exit(0);
}

const { default: shopify } = await import("../../app/shopify.server");
const { ShopifyGateway, adminTransport } = await import("../../app/shopify/gateway");
const { syncCustomers } = await import("../../app/sync/import");
const { admin } = await shopify.unauthenticated.admin(shop);
const gateway = new ShopifyGateway(adminTransport(admin));
let peakRss = process.memoryUsage().rss;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  if (process.env.BENCH_TRACE) console.error(`rss ${(m.rss / 1048576).toFixed(0)} heap ${(m.heapUsed / 1048576).toFixed(0)} ext ${(m.external / 1048576).toFixed(0)} ab ${(m.arrayBuffers / 1048576).toFixed(0)}`);
}, process.env.BENCH_TRACE ? 1000 : 25);
const t0 = performance.now();
const summary = await syncCustomers({ db: prisma, shop, gateway }, { trigger: "cli", readMode: (process.env.BENCH_READ as any) ?? "auto" });
const ms = performance.now() - t0;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
const [erp, mirrors, links] = await Promise.all([
  prisma.erpCustomer.count({ where: { shop } }),
  prisma.mirrorCustomer.count({ where: { shop } }),
  prisma.mirrorCustomer.count({ where: { shop, erpCustomerNo: { not: "" } } }),
]);
console.log(
  JSON.stringify({
    status: summary.status,
    counts: summary.counts,
    ms,
    perSecond: summary.counts.read / (ms / 1000),
    peakRssMb: peakRss / 1024 / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    points: gateway.stats.pointsSpent,
    requests: gateway.stats.requests,
    throttled: gateway.stats.throttled,
    erpCustomers: erp,
    mirrors,
    links,
  }),
);
process.exit(0);
