// One export benchmark run in a fresh process: N new ERP customers (valid email and phone), then "Add customers
// to Shopify" for all of them. Prints metrics as JSON. Env: BENCH_SIM_URL, BENCH_TOKEN, BENCH_CUSTOMERS, BENCH_DB,
// BENCH_BUCKET, BENCH_RESTORE.
import { migrateFresh } from "../../tests/support/app-harness";

const shop = process.env.BENCH_SHOP ?? "bench-shop.myshopify.com";
const dbFile = process.env.BENCH_DB!;
migrateFresh(dbFile);
process.env.DATABASE_URL = "file:" + dbFile;
process.env.SHOPIFY_API_KEY = "test-api-key";
process.env.SHOPIFY_API_SECRET = "test-api-secret";
process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3000";
process.env.SHOPIFY_SIMULATOR_URL = process.env.BENCH_SIM_URL!;
process.env.NODE_ENV = "production";

const { default: prisma } = await import("../../app/db.server");
const { saveSettings } = await import("../../app/sync/settings");
const { default: shopify } = await import("../../app/shopify.server");
const { Session } = await import("@shopify/shopify-api");
const { ShopifyGateway, adminTransport } = await import("../../app/shopify/gateway");
const { addCustomersToShopify } = await import("../../app/sync/export");

const n = Number(process.env.BENCH_CUSTOMERS ?? 2000);
await saveSettings(prisma, shop, { nameSource: "firstAndLastName", name2Source: "none", contactSource: "none" });
await prisma.companyInformation.create({ data: { shop, name: "Bench AB", countryCode: "SE" } });
await prisma.erpCountry.create({ data: { shop, code: "SE", isoCode: "SE", name: "Sweden" } });
const rows = Array.from({ length: n }, (_, i) => ({
  shop,
  no: `X${String(i + 1).padStart(6, "0")}`,
  name: `Kund${i} Exportsson`,
  address: `Exportgatan ${i + 1}`,
  postCode: "111 22",
  city: "Stockholm",
  countryCode: "SE",
  phoneNo: `070-${String(1000000 + i).slice(-7, -4)} ${String(1000000 + i).slice(-4, -2)} ${String(1000000 + i).slice(-2)}`,
  email: `kund${i}@export.example.test`,
}));
for (let i = 0; i < rows.length; i += 2000) await prisma.erpCustomer.createMany({ data: rows.slice(i, i + 2000) });
await shopify.sessionStorage.storeSession(
  new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_customers,write_customers,read_orders", accessToken: process.env.BENCH_TOKEN! }),
);
const { admin } = await shopify.unauthenticated.admin(shop);
const gateway = new ShopifyGateway(adminTransport(admin));
const t0 = performance.now();
const summary = await addCustomersToShopify({ db: prisma, shop, gateway }, "all", { trigger: "cli" });
const ms = performance.now() - t0;
const bucket = Number(process.env.BENCH_BUCKET ?? 2000);
const restore = Number(process.env.BENCH_RESTORE ?? 100);
// The most points the bucket could give in this time: what it held at the start plus what it restored.
const ceiling = bucket + restore * (ms / 1000);
const res = await fetch(`${process.env.BENCH_SIM_URL}/__sim/customers?shop=${shop}`);
const inShopify = ((await res.json()) as any[]).length;
const links = await prisma.mirrorCustomer.count({ where: { shop, erpCustomerNo: { not: "" } } });
console.log(
  JSON.stringify({
    customers: n,
    bucket,
    restoreRate: restore,
    status: summary.status,
    counts: summary.counts,
    ms,
    perSecond: n / (ms / 1000),
    points: gateway.stats.pointsSpent,
    requests: gateway.stats.requests,
    throttled: gateway.stats.throttled,
    ceilingPoints: ceiling,
    fractionOfCeiling: gateway.stats.pointsSpent / ceiling,
    failures: summary.counts.failed + summary.counts.skipped,
    inShopify,
    links,
  }),
);
process.exit(0);
