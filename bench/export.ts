// bench/export: "Add customers to Shopify" for new ERP customers against the simulator at Shopify's default bucket
// (2000 points, 100/s) and at a small one (40 points, 2/s). Reports the points spent as a fraction of what the bucket
// could give in that time (its ceiling), THROTTLED answers and failures.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR, ROOT, runJsonChild, startJsonChild } from "./lib/proc";

export async function benchExport(cases = [
  { bucket: 2000, restore: 100, customers: 2000 },
  // At 2 points/s each customer (≈ 16 points: two exact lookups and a create) takes ~8 s: 30 customers ≈ 4 min.
  { bucket: 40, restore: 2, customers: Number(process.env.BENCH_SMALL_CUSTOMERS ?? 30) },
]) {
  const results: any[] = [];
  for (const c of cases) {
    const { child, first } = await startJsonChild(path.join(BENCH_DIR, "lib/sim-server.ts"), { BENCH_BUCKET: String(c.bucket), BENCH_RESTORE: String(c.restore) });
    try {
      mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
      const db = path.join(ROOT, "tmp", `bench-export-${c.bucket}.sqlite`);
      const r = await runJsonChild(path.join(BENCH_DIR, "lib/export-run.ts"), {
        BENCH_SIM_URL: first.url,
        BENCH_TOKEN: first.token,
        BENCH_CUSTOMERS: String(c.customers),
        BENCH_DB: db,
        BENCH_BUCKET: String(c.bucket),
        BENCH_RESTORE: String(c.restore),
      });
      results.push(r);
      console.log(`export ${r.customers} at bucket ${c.bucket}/${c.restore}/s: ${(r.ms / 1000).toFixed(1)} s, ${r.perSecond.toFixed(1)}/s, ` +
        `${r.points} points = ${(r.fractionOfCeiling * 100).toFixed(1)}% of the ceiling, ${r.throttled} throttled, ${r.failures} failures, ${r.inShopify} in Shopify`);
      for (const s of ["", "-journal", "-wal", "-shm"]) rmSync(db + s, { force: true });
    } finally {
      child.kill("SIGTERM");
    }
  }
  return results;
}
