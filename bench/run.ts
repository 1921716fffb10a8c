// npm run bench [-- import|export|webhooks] [--sizes 10000,100000]: runs the benchmarks and prints a JSON summary
// (the numbers copied into bench/README.md).
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR } from "./lib/proc";
import { benchImport } from "./import";

const args = process.argv.slice(2);
const sizesAt = args.findIndex((a) => a === "--sizes" || a.startsWith("--sizes="));
const sizesArg = sizesAt < 0 ? undefined : args[sizesAt].includes("=") ? args[sizesAt].split("=")[1] : args[sizesAt + 1];
const which = args.filter((a, i) => !a.startsWith("--") && !(sizesAt >= 0 && i === sizesAt + 1 && !args[sizesAt].includes("=")));
const all = which.length === 0;
const out: Record<string, unknown> = { machine: `${process.platform} ${process.arch}, node ${process.version}`, at: new Date().toISOString() };

if (all || which.includes("import")) out.import = await benchImport(sizesArg ? sizesArg.split(",").map(Number) : [10_000, 100_000]);
if (all || which.includes("export")) out.export = await (await import("./export")).benchExport();
if (all || which.includes("webhooks")) out.webhooks = await (await import("./webhooks")).benchWebhooks();

mkdirSync(path.join(BENCH_DIR, "results"), { recursive: true });
const file = path.join(BENCH_DIR, "results", `last-${which.join("-") || "all"}.json`);
writeFileSync(file, JSON.stringify(out, null, 2));
console.log(`results written to ${path.relative(process.cwd(), file)}`);
