// A Shopify simulator in its own process for benchmarks (so the app's memory and CPU are measured alone).
// Prints one JSON line {"url": ...} when ready. Env: BENCH_CUSTOMERS, BENCH_SEED, BENCH_BUCKET, BENCH_RESTORE, BENCH_SHOP.
import { startSimulator } from "../../tests/simulator/index";
import { generateCustomers } from "../../tests/simulator/generator";
import { API_KEY, API_SECRET } from "../../tests/support/app-harness";

const shop = process.env.BENCH_SHOP ?? "bench-shop.myshopify.com";
const sim = await startSimulator({
  port: 0,
  apiKey: API_KEY,
  apiSecret: API_SECRET,
  bucketSize: Number(process.env.BENCH_BUCKET ?? 2000),
  restoreRate: Number(process.env.BENCH_RESTORE ?? 100),
});
const n = Number(process.env.BENCH_CUSTOMERS ?? 0);
if (n) sim.setCustomers(shop, generateCustomers({ count: n, seed: Number(process.env.BENCH_SEED ?? 7) }));
process.stdout.write(JSON.stringify({ url: sim.url, token: sim.issueAccessToken(shop) }) + "\n");
process.on("SIGTERM", () => sim.close().then(() => process.exit(0)));
