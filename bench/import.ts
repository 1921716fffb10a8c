// bench/import: one Sync customers run over generated stores (half the customers already in the ERP by email or
// phone). Reports wall time, customers per second, peak RSS of the app process, and API points spent next to what
// reading each customer with its own request would cost.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR, ROOT, runJsonChild, startJsonChild } from "./lib/proc";
import { CUSTOMER_NODE_COST } from "../app/shopify/operations";

export async function benchImport(sizes: number[]) {
  const results: any[] = [];
  for (const n of sizes) {
    const { child, first } = await startJsonChild(path.join(BENCH_DIR, "lib/sim-server.ts"), { BENCH_CUSTOMERS: String(n) });
    try {
      mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
      const db = path.join(ROOT, "tmp", `bench-import-${n}.sqlite`);
      const env = { BENCH_SIM_URL: first.url, BENCH_TOKEN: first.token, BENCH_CUSTOMERS: String(n), BENCH_DB: db };
      await runJsonChild(path.join(BENCH_DIR, "lib/import-run.ts"), { ...env, BENCH_PHASE: "prepare" });
      // BENCH_HEAP_MB caps the app process's V8 old space (as a deployment would with --max-old-space-size).
      const heap: Record<string, string> = process.env.BENCH_HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_HEAP_MB}` } : {};
      const r = await runJsonChild(path.join(BENCH_DIR, "lib/import-run.ts"), { ...env, ...heap, BENCH_PHASE: "run" });
      // One request per customer: a customer(id) read costs the node's cost; ids themselves come in pages.
      const perCustomer = n * CUSTOMER_NODE_COST;
      results.push({ customers: n, ...r, onePerCustomerPoints: perCustomer, pointsRatio: r.points / perCustomer });
      console.log(`import ${n}: ${(r.ms / 1000).toFixed(1)} s, ${Math.round(r.perSecond)}/s, peak RSS ${r.peakRssMb.toFixed(0)} MB, ` +
        `${r.points} points (${((r.points / perCustomer) * 100).toFixed(2)}% of one-per-customer), status ${r.status}`);
      for (const s of ["", "-journal", "-wal", "-shm"]) rmSync(db + s, { force: true });
    } finally {
      child.kill("SIGTERM");
    }
  }
  return results;
}
