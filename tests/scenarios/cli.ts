// npm run scenario -- <file.json | folder/> [--dump]
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { startHarness, removeDatabase } from "../support/app-harness";
import { runScenarioFile } from "./runner";

async function main() {
  const args = process.argv.slice(2);
  const dump = args.includes("--dump");
  const targets = args.filter((a) => !a.startsWith("--"));
  if (!targets.length) {
    console.error("usage: npm run scenario -- <file.json | folder/> [--dump]");
    process.exit(2);
  }
  const files: string[] = [];
  for (const t of targets) {
    let st;
    try {
      st = statSync(t);
    } catch {
      console.error(`No such file or folder: ${t}`);
      process.exit(2);
    }
    if (st.isDirectory()) files.push(...readdirSync(t).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(t, f)));
    else files.push(t);
  }
  const h = await startHarness({ name: "scenario" });
  let passed = 0;
  let failed = 0;
  let pendingCount = 0;
  try {
    for (const f of files) {
      const r = await runScenarioFile(h, f, { dump });
      if (r.pending.length) {
        pendingCount++;
        failed++;
        console.log(`PENDING ${path.basename(f)} — ${r.name}: not built yet: ${r.pending.join(", ")}`);
      } else if (r.passed) {
        passed++;
        console.log(`PASS ${path.basename(f)} — ${r.name}`);
      } else {
        failed++;
        console.log(`FAIL ${path.basename(f)} — ${r.name}`);
        if (r.error) console.log(`    error: ${r.error}`);
        for (const d of r.diffs) console.log(`    ${d}`);
      }
      if (dump && r.state) console.log(JSON.stringify(r.state, null, 2));
    }
  } finally {
    await h.close();
    removeDatabase(h.dbFile);
  }
  console.log(`${passed} passed, ${failed} failed${pendingCount ? ` (${pendingCount} pending)` : ""}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
