// npm run sync -- --shop <domain> [--customers] [--export <nos|all>] [--orders]
// One Sync customers run (and/or Add customers to Shopify, Import orders) from the command line, through the same
// engine and the shop's stored offline session as the app's button and schedule.
import { parseArgs } from "node:util";
import type { RunCounts } from "../sync/context";
import type { RunSummary } from "../sync/runs";
import { CliError, EXIT, databaseProblem, envProblem, isEntryPoint, runAsProcess, shopFrom, type CliIo } from "./shared";

export const SYNC_HELP = `Run the customer sync for one shop from the command line.

Usage:
  npm run sync -- --shop <store>.myshopify.com                 Sync customers (spec §3)
  npm run sync -- --shop <store> --export all                   Add all ERP customers to Shopify
  npm run sync -- --shop <store> --export C00010,C00011         Add these ERP customers to Shopify
  npm run sync -- --shop <store> --orders                       Import orders (catch-up for missed webhooks)
  npm run sync -- --shop <store> --customers --export all --orders   all three, in this order

Options:
  --shop <domain>     the shop (default: the SHOP environment variable); a bare store name gets .myshopify.com
  --customers         run Sync customers (the default when neither --export nor --orders is given)
  --export <nos|all>  run Add customers to Shopify for these comma-separated ERP customer numbers, or all
  --orders            run Import orders
  --set <key=value>   change a shop setting first (spec §2 names, e.g. --set customerImport=allCustomers); repeatable
  --connect-simulator with SHOPIFY_SIMULATOR_URL set: connect the shop the way Shopify admin does (a session token
                      from the simulator, exchanged for an offline token by the app) before running
  -h, --help          this text

The shop needs a stored offline session: open the app in Shopify admin once, or against npm run simulator add --connect-simulator (see README, Command line).
On a terminal a progress line shows read/total, created, updated, linked, skipped and failed.

Exit codes:
  0  every run succeeded
  1  a run failed as a whole (no session, access revoked, Shopify down after retries), or bad arguments
  2  the runs completed, but some customers failed (see the sync log in the app)
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`${e.message}\n`);
      return EXIT.failed;
    }
    const message = envProblem(e) ?? databaseProblem(e);
    if (message) {
      io.err(`${message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
}

type Job = { kind: "customers" } | { kind: "export"; nos: string[] | "all" } | { kind: "orders" };

async function run(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    const parsed = parse(argv);
    if (parsed.positionals.length) throw new Error(`Unexpected argument "${parsed.positionals[0]}".`);
    values = parsed.values;
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${SYNC_HELP}`);
  }
  if (values.help) {
    io.out(SYNC_HELP);
    return EXIT.ok;
  }
  const shop = shopFrom(values.shop, io);
  const jobs: Job[] = [];
  if (values.customers || (values.export === undefined && !values.orders)) jobs.push({ kind: "customers" });
  if (values.export !== undefined) jobs.push({ kind: "export", nos: exportList(values.export) });
  if (values.orders) jobs.push({ kind: "orders" });

  // Loaded here, not at the top: the app reads its environment (and the database URL) when these load.
  const { sync, prisma } = await import("../sync/service.server");
  const { withShopLock } = await import("../jobs/queue");
  if (values["connect-simulator"]) await connectSimulator(shop, io);
  if (values.set?.length) await applySettings(prisma, shop, values.set, io);
  const session = await prisma.session.findFirst({ where: { shop, isOnline: false }, select: { id: true } });
  if (!session) throw new CliError(`No offline session for ${shop}: open the app in Shopify admin once, or against npm run simulator add --connect-simulator (see README, Command line).`);

  let withErrors = false;
  for (const job of jobs) {
    const started = Date.now();
    const progress = progressLine(io, job.kind === "customers" ? "Syncing customers" : "");
    let summary: RunSummary;
    try {
      // Like a job of the shop's queue: waits for the app's running job of this shop, and holds the app's worker
      // back from the shop while it runs (one writer of the shop's ERP master at a time).
      summary = await withShopLock(
        prisma,
        shop,
        TITLES[job.kind],
        () => {
          if (job.kind === "customers") return sync.syncCustomers(shop, { trigger: "cli", onProgress: progress.update });
          if (job.kind === "export") return sync.addCustomersToShopify(shop, job.nos, "cli");
          return sync.importOrders(shop, "cli");
        },
        { onWait: () => io.err(`Waiting for the app's running job of ${shop} to finish…\n`) },
      );
    } catch (e) {
      progress.done();
      // A run that could not start (the session was refused): the service has logged it as authRequired.
      io.err(`${TITLES[job.kind]} failed: ${(e as Error).message}. Open the app in Shopify admin to grant access again.\n`);
      return EXIT.failed;
    }
    progress.done();
    await report(io, prisma, shop, TITLES[job.kind], summary, Date.now() - started);
    // A failed run stops the rest: they would meet the same revoked access or unreachable Shopify.
    if (summary.status === "failed") return EXIT.failed;
    if (summary.status === "completedWithErrors") withErrors = true;
  }
  return withErrors ? EXIT.completedWithErrors : EXIT.ok;
}

const TITLES: Record<Job["kind"], string> = { customers: "Sync customers", export: "Add customers to Shopify", orders: "Import orders" };

export function exitCodeFor(status: RunSummary["status"]): number {
  return status === "succeeded" ? EXIT.ok : status === "completedWithErrors" ? EXIT.completedWithErrors : EXIT.failed;
}

function exportList(value: string): string[] | "all" {
  if (value.trim().toLowerCase() === "all") return "all";
  const nos = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!nos.length) throw new CliError("--export needs ERP customer numbers separated by commas, or all.");
  return [...new Set(nos)];
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      shop: { type: "string" },
      customers: { type: "boolean" },
      export: { type: "string" },
      orders: { type: "boolean" },
      set: { type: "string", multiple: true },
      "connect-simulator": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

export function countsText(c: RunCounts, total?: number | null): string {
  const read = total ? `${c.read}/${total}` : String(c.read);
  return `read ${read}, created ${c.created}, updated ${c.updated}, linked ${c.linked}, ${c.exported ? `exported ${c.exported}, ` : ""}skipped ${c.skipped}, failed ${c.failed}`;
}

/** On a terminal: one line redrawn in place with \r. Elsewhere (a log file, CI): nothing until the summary. */
function progressLine(io: CliIo, label: string) {
  let drawn = 0;
  return {
    update: (counts: RunCounts, total: number | null) => {
      if (!io.isTTY || !label) return;
      const line = `${label}… ${countsText(counts, total)}`;
      io.out(`\r${line.padEnd(drawn)}`);
      drawn = line.length;
    },
    done: () => {
      if (drawn) io.out("\n");
      drawn = 0;
    },
  };
}

async function report(io: CliIo, prisma: import("@prisma/client").PrismaClient, shop: string, title: string, s: RunSummary, ms: number) {
  const status = s.status === "succeeded" ? "succeeded" : s.status === "completedWithErrors" ? "completed with errors" : "FAILED";
  const line = `${title} ${status} in ${(ms / 1000).toFixed(1)} s (run ${s.runId}): ${countsText(s.counts)}.\n`;
  (s.status === "failed" ? io.err : io.out)(line);
  if (s.status === "failed" && s.message) io.err(`  ${s.message}\n`);
  const byCode = await prisma.syncLogEntry.groupBy({ by: ["level", "code"], where: { shop, runId: s.runId }, _count: { _all: true } });
  const notable = byCode.filter((g) => g.level !== "info").sort((a, b) => b._count._all - a._count._all);
  if (notable.length) io.out(`  Log: ${notable.map((g) => `${g._count._all} ${g.code}`).join(", ")}.\n`);
  const problems = await prisma.syncLogEntry.findMany({
    where: { shop, runId: s.runId, level: { in: ["error", "skip"] } },
    orderBy: { id: "asc" },
    take: 10,
  });
  for (const p of problems) {
    const who = [p.erpCustomerNo, p.shopifyCustomerId].filter(Boolean).join(" / ");
    io.out(`  ${p.level} ${p.code}${who ? ` (${who})` : ""}: ${p.message}\n`);
  }
}

if (isEntryPoint(import.meta.url)) runAsProcess(main);

/** Token exchange against the simulator, through the app's own authenticate.admin (the embedded app's real path). */
async function connectSimulator(shop: string, io: CliIo) {
  const simulator = process.env.SHOPIFY_SIMULATOR_URL;
  if (!simulator) throw new CliError("--connect-simulator needs SHOPIFY_SIMULATOR_URL (for example http://127.0.0.1:3999).");
  let sessionToken: string;
  try {
    const res = await fetch(`${simulator.replace(/\/$/, "")}/__sim/sessionToken?shop=${encodeURIComponent(shop)}`);
    sessionToken = ((await res.json()) as { sessionToken: string }).sessionToken;
  } catch (e) {
    throw new CliError(`The simulator at ${simulator} did not answer: ${(e as Error).message}. Start it with npm run simulator.`);
  }
  const { authenticate } = await import("../shopify.server");
  const appUrl = process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1:3000";
  const host = Buffer.from(`${shop}/admin`).toString("base64");
  const url = `${appUrl}/app?shop=${encodeURIComponent(shop)}&host=${encodeURIComponent(host)}&embedded=1&id_token=${encodeURIComponent(sessionToken)}`;
  try {
    await authenticate.admin(new Request(url));
  } catch (e) {
    const status = e instanceof Response ? e.status : 0;
    throw new CliError(`Connecting ${shop} failed${status ? ` (HTTP ${status})` : ""}: check that the simulator and the app use the same SHOPIFY_API_KEY and SHOPIFY_API_SECRET.`);
  }
  io.out(`Connected ${shop} through token exchange with the simulator.\n`);
}

async function applySettings(prisma: any, shop: string, pairs: string[], io: CliIo) {
  const { saveSettings, SettingsError, settingsSchema } = await import("../sync/settings");
  const change: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    if (i <= 0) throw new CliError(`--set needs key=value, got "${pair}".`);
    const key = pair.slice(0, i).trim();
    const raw = pair.slice(i + 1).trim();
    const field = (settingsSchema.shape as Record<string, any>)[key];
    if (!field) throw new CliError(`Unknown setting "${key}". Settings: ${Object.keys(settingsSchema.shape).join(", ")}.`);
    change[key] = raw === "true" ? true : raw === "false" ? false : raw;
  }
  try {
    await saveSettings(prisma, shop, change as any, { strict: true });
  } catch (e) {
    if (e instanceof SettingsError) throw new CliError(`The settings were not saved:\n${e.problems.map((p) => `  ${p.field}: ${p.message}`).join("\n")}`);
    throw e;
  }
  io.out(`Settings saved: ${pairs.join(", ")}\n`);
}
