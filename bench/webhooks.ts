// bench/webhooks: a burst of 500 signed customers/create deliveries (500 distinct customers) on loopback to the app's
// webhook path as the app server runs it (server.ts: Node's HTTP server → handleWebhookRequest → authenticate.webhook
// → receipt + job, or the webhook inbox while the database is busy), a fixed number in flight. The app runs in its own
// process (this file with BENCH_WEBHOOKS_ROLE=app) on a fresh migrated database with the shop's offline session.
// Cases: the job worker in a process of its own (`npm run worker`, the production layout) at 10, 25 and 50 in flight;
// inside the web process (JOB_WORKER=on); held back until the burst ends (what receiving alone costs). Reports each
// answer's time (p50/p99; target p99 ≤ 50 ms), the web process's CPU per delivery, the time until every job is done,
// and checks that each customer was processed exactly once: 500 answers 200, 500 receipts, 500 done jobs, 500
// webhook runs that read one customer each and created, linked or skipped it (no address), 500 mirrors, no customer
// created twice. The deliveries are signed before the burst (signing is Shopify's work, not the app's).
// BENCH_TRACE=1 prints the slowest answers with their start time; BENCH_KEEP_DB=1 keeps the app's database;
// BENCH_PROFILE_DIR=dir writes a CPU profile of the web process during each burst; BENCH_WORKER_NICE=n starts the
// worker process at another CPU priority (default 10).
import { spawn, type ChildProcess } from "node:child_process";
import cluster from "node:cluster";
import { mkdirSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BENCH_DIR, ROOT, median, percentile, startJsonChild } from "./lib/proc";
import { signWebhook } from "../tests/simulator/webhooks";
import { removeDatabase } from "../tests/support/app-harness";

const SHOP = "bench-webhooks.myshopify.com";
const API_KEY = "test-api-key";
const API_SECRET = "test-api-secret";

export interface WebhookBenchOptions {
  deliveries?: number;
  concurrency?: number;
  /**
   * Where the job worker runs: `process` — `npm run worker` in its own process beside the web process, working during
   * the burst (the production layout); `inline` — inside the web process (JOB_WORKER=on, the single-process layout);
   * `later` — inside the web process but started after the burst (what the route alone costs).
   */
  worker?: WorkerLayout;
  /** ERP customers already in the master before the burst (each webhook job loads the ERP master). */
  erpCustomers?: number;
}

export type WorkerLayout = "process" | "inline" | "later";

/**
 * `npm run bench -- webhooks`: bursts with the worker in its own process (at 10, 25 and 50 deliveries in flight),
 * inside the web process, and held back; BENCH_RUNS (default 3) bursts per case, medians reported with their range.
 */
export async function benchWebhooks(o: WebhookBenchOptions = {}) {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  // BENCH_WEBHOOK_ERP=100000: the shop's ERP master holds that many customers before each burst (each webhook job
  // reads the ERP index), to see how job throughput scales with it.
  const erp = Number(process.env.BENCH_WEBHOOK_ERP ?? 0);
  if (erp > 0) o = { ...o, erpCustomers: erp };
  const cases: Array<{ name: string; worker: WorkerLayout; concurrency: number }> = [
    { name: "worker in its own process, 50 in flight", worker: "process", concurrency: 50 },
    { name: "worker in its own process, 25 in flight", worker: "process", concurrency: 25 },
    { name: "worker in its own process, 10 in flight", worker: "process", concurrency: 10 },
    { name: "worker inside the web process, 50 in flight", worker: "inline", concurrency: 50 },
    { name: "worker held back (the route alone), 50 in flight", worker: "later", concurrency: 50 },
  ];
  const results = [];
  // BENCH_WEBHOOK_CASE="own process, 50": only the cases whose name contains it.
  const only = process.env.BENCH_WEBHOOK_CASE;
  for (const c of cases.filter((x) => !only || x.name.includes(only))) {
    const bursts: Array<Awaited<ReturnType<typeof burst>>> = [];
    for (let i = 0; i < runs; i++) bursts.push(await burst({ ...o, worker: c.worker, concurrency: c.concurrency }));
    const stat = (f: (b: (typeof bursts)[number]) => number) => {
      const xs = bursts.map(f);
      return { median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) };
    };
    const summary = {
      case: c.name,
      runs,
      p50: stat((b) => b.answerMs.p50),
      p99: stat((b) => b.answerMs.p99),
      webCpuMsPerDelivery: stat((b) => b.webCpuMsPerDelivery),
      throughInbox: stat((b) => b.throughInbox),
      burstMs: stat((b) => b.burstMs),
      allJobsProcessedMs: stat((b) => b.allJobsProcessedMs),
      exactlyOnce: bursts.every((b) => b.exactlyOnce),
      bursts,
    };
    console.log(
      `webhooks — ${c.name}: p50 ${summary.p50.median} ms (${summary.p50.min}–${summary.p50.max}), p99 ${summary.p99.median} ms ` +
        `(${summary.p99.min}–${summary.p99.max}; target ≤ 50), web CPU ${summary.webCpuMsPerDelivery.median} ms/delivery, ` +
        `through the inbox ${summary.throughInbox.median}, all jobs done in ` +
        `${(summary.allJobsProcessedMs.median / 1000).toFixed(1)} s, exactly once: ${summary.exactlyOnce ? "yes" : "NO"}`,
    );
    results.push(summary);
  }
  return results;
}

export async function burst(o: WebhookBenchOptions = {}) {
  const n = o.deliveries ?? 500;
  const concurrency = o.concurrency ?? 50;
  const worker = o.worker ?? "process";
  const { startSimulator } = await import("../tests/simulator/index");
  const { generateCustomers } = await import("../tests/simulator/generator");

  // Payloads exactly as Shopify sends them, from a simulator store of n customers (the simulator only builds them).
  const sim = await startSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
  sim.setCustomers(SHOP, generateCustomers({ count: n, seed: 31 }));
  const bodies = sim.customers(SHOP).map((c) => JSON.stringify(sim.webhookPayload(SHOP, "customers/create", c.id)));
  await sim.close();

  mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
  const dbFile = path.join(ROOT, "tmp", `bench-webhooks-${process.pid}.sqlite`);
  const { child, first } = await startJsonChild(path.join(BENCH_DIR, "webhooks.ts"), { BENCH_WEBHOOKS_ROLE: "app", BENCH_DB: dbFile, BENCH_WORKER: worker, BENCH_ERP: String(o.erpCustomers ?? 0) });
  try {
    const url: string = first.url;
    const stats = async () => (await fetch(`${first.control}/stats`)).json() as Promise<AppStats>;
    // Warm up as a running server is: 2,000 deliveries over `concurrency` connections, so that connections are open
    // and the receive path is compiled by the JIT. They are copies of one customers/create delivery of another shop
    // (Shopify's retries): each goes through authentication and the receipt check, and one job is queued in all.
    const warmup = bodies[0];
    const warmupHeaders = deliveryHeaders("customers/create", warmup, "bench-warmup.myshopify.com");
    let w = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (w++ < WARMUP_DELIVERIES) await send(url, warmupHeaders, warmup);
      }),
    );

    const headers = bodies.map((b) => deliveryHeaders("customers/create", b, SHOP));
    const counters = async () => (await (await fetch(`${first.control}/cpu`)).json()) as { cpuMs: number; recorded: { direct: number; inbox: number } };
    const profiling = Boolean(process.env.BENCH_PROFILE_DIR);
    if (profiling) await fetch(`${first.control}/profile-start`);
    const before = await counters();
    const cpuBefore = before.cpuMs;
    const times: number[] = new Array(bodies.length);
    const statuses: number[] = new Array(bodies.length);
    const starts: number[] = new Array(bodies.length);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= bodies.length) return;
          const s = performance.now();
          statuses[i] = await send(url, headers[i], bodies[i]);
          times[i] = performance.now() - s;
          starts[i] = s - t0;
        }
      }),
    );
    const burstMs = performance.now() - t0;
    const after = await counters();
    const webCpuMs = after.cpuMs - cpuBefore;
    const throughInbox = after.recorded.inbox - before.recorded.inbox;
    if (profiling) console.error(`CPU profile of the web process during the burst: ${await (await fetch(`${first.control}/profile-stop`)).text()}`);
    if (process.env.BENCH_TRACE) {
      const worst = times.map((t, i) => ({ i, start: round(starts[i]), ms: round(t) })).sort((a, b) => b.ms - a.ms).slice(0, 12);
      console.error(JSON.stringify(worst));
    }
    if (worker === "later") await fetch(`${first.control}/start-worker`);

    let s = await stats();
    while (s.jobs.done + s.jobs.failed < n && performance.now() - t0 < 300_000) {
      await new Promise((r) => setTimeout(r, 25));
      s = await stats();
    }
    const allProcessedMs = performance.now() - t0;

    const ok = statuses.filter((x) => x === 200).length;
    const checks = {
      answered200: ok === n,
      receipts: s.receipts === n,
      doneJobs: s.jobs.done === n && s.jobs.failed === 0,
      mirrors: s.mirrors === n,
      processedOnce:
        s.customersCreatedTwice === 0 &&
        s.erpCreated === s.createdLog &&
        s.runs.count === n &&
        s.runs.read === n &&
        s.runs.created + s.runs.linked + s.runs.skipped === n &&
        s.runs.failed === 0,
    };
    const result = {
      deliveries: n,
      concurrency,
      erpCustomersBefore: o.erpCustomers ?? 0,
      status200: ok,
      answerMs: { p50: round(percentile(times, 50)), p90: round(percentile(times, 90)), p99: round(percentile(times, 99)), max: round(Math.max(...times)) },
      targetP99Ms: 50,
      p99WithinTarget: percentile(times, 99) <= 50,
      burstMs: round(burstMs),
      /** CPU time the web process spent per delivery during the burst (with one web process). */
      webCpuMsPerDelivery: Math.round((webCpuMs / n) * 100) / 100,
      /** Deliveries of the burst that found the database busy and were recorded through the webhook inbox. */
      throughInbox,
      deliveriesPerSecond: round(n / (burstMs / 1000)),
      allJobsProcessedMs: round(allProcessedMs),
      jobsPerSecond: round(n / (allProcessedMs / 1000)),
      worker: {
        process: "npm run worker's code in its own process (priority 10), working during the burst",
        inline: "the app's JobQueue inside the web process, working during the burst",
        later: "the app's JobQueue inside the web process, started after the burst",
      }[worker],
      app: s,
      checks,
      exactlyOnce: Object.values(checks).every(Boolean),
    };
    console.log(
      `webhooks ${n} × customers/create, ${concurrency} at a time, worker ${worker}: answer p50 ${result.answerMs.p50} ms, p99 ${result.answerMs.p99} ms ` +
        `(target ≤ 50: ${result.p99WithinTarget ? "met" : "MISSED"}), burst ${(burstMs / 1000).toFixed(2)} s, all jobs processed in ` +
        `${(allProcessedMs / 1000).toFixed(2)} s; ${s.receipts} receipts, ${s.jobs.done} done jobs, ${s.mirrors} mirrors, ` +
        `${s.erpCreated} ERP customers created, ${s.runs.skipped} skipped (no address) — exactly once: ${result.exactlyOnce ? "yes" : "NO"}`,
    );
    return result;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    if (!process.env.BENCH_KEEP_DB) removeDatabase(dbFile);
    else console.log(`database kept: ${dbFile}`);
  }
}

interface AppStats {
  receipts: number;
  jobs: { queued: number; running: number; done: number; failed: number };
  mirrors: number;
  erpCreated: number;
  createdLog: number;
  customersCreatedTwice: number;
  recorded: { direct: number; inbox: number };
  runs: { count: number; read: number; created: number; linked: number; skipped: number; failed: number };
}

const round = (x: number) => Math.round(x * 10) / 10;

// The deliveries go out over node:http with keep-alive connections (as Shopify's senders keep them), not through
// fetch: undici's per-request cost on this 2-core machine would be taken from the app under test.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const WARMUP_DELIVERIES = 2000;

/** A delivery's headers as Shopify signs and sends them (computed before the burst: signing is Shopify's work). */
function deliveryHeaders(topic: string, body: string, shop: string, ids = { webhookId: crypto.randomUUID(), eventId: crypto.randomUUID() }) {
  return {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
    "X-Shopify-Topic": topic,
    "X-Shopify-Hmac-Sha256": signWebhook(body, API_SECRET),
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": ids.webhookId,
    "X-Shopify-Event-Id": ids.eventId,
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
}

function send(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, agent }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end(body);
  });
}

/** The app process: a fresh database, the shop's settings, the webhook route over HTTP and the background worker. */
async function runApp() {
  const { migrateFresh } = await import("../tests/support/app-harness");
  const dbFile = process.env.BENCH_DB!;
  migrateFresh(dbFile);
  process.env.DATABASE_URL = "file:" + dbFile;
  process.env.SHOPIFY_API_KEY = API_KEY;
  process.env.SHOPIFY_API_SECRET = API_SECRET;
  process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3000";
  process.env.NODE_ENV = "production";
  const { default: prisma } = await import("../app/db.server");
  const { saveSettings } = await import("../app/sync/settings");
  const { handleWebhookRequest } = await import("../app/webhooks/node-http.server");
  const { recorded } = await import("../app/webhooks/receive.server");
  const { jobQueue } = await import("../app/sync/service.server");

  await saveSettings(prisma, SHOP, { customerImport: "allCustomers", autoCreateUnknownCustomers: true, customerTemplateCode: "RETAIL" });
  await prisma.companyInformation.create({ data: { shop: SHOP, name: "Bench AB", countryCode: "SE" } });
  await prisma.customerTemplate.create({ data: { shop: SHOP, code: "RETAIL", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "30D" } });
  for (const [code, name] of [["SE", "Sweden"], ["DE", "Germany"], ["DK", "Denmark"], ["US", "United States"], ["GB", "United Kingdom"], ["FR", "France"], ["NL", "Netherlands"]]) {
    await prisma.erpCountry.create({ data: { shop: SHOP, code, isoCode: code, name } });
  }
  await prisma.numberSeries.create({ data: { shop: SHOP, prefix: "C", next: 1, width: 6 } });
  // The shop's offline session, as after installation: authenticate.webhook loads it for every delivery.
  const { Session } = await import("@shopify/shopify-api");
  const { default: shopify } = await import("../app/shopify.server");
  await shopify.sessionStorage.storeSession(new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_customers,write_customers,read_orders", accessToken: "shpat_bench" }));
  // An ERP master that already holds customers (none of them matches the new Shopify customers).
  const erp = Number(process.env.BENCH_ERP ?? 0);
  for (let i = 0; i < erp; i += 5000) {
    const rows = Array.from({ length: Math.min(5000, erp - i) }, (_, k) => ({ shop: SHOP, no: `E${String(i + k).padStart(7, "0")}`, name: `Bestående kund ${i + k}`, email: `erp${i + k}@erp.example.test`, countryCode: "SE" }));
    await prisma.erpCustomer.createMany({ data: rows });
  }

  // The web processes: this one alone, or BENCH_WEB_PROCESSES of them sharing one port (node:cluster), as a server
  // that runs one web process per core would.
  const webProcesses = Number(process.env.BENCH_WEB_PROCESSES ?? 1);
  const server: Server = createServer((req, res) => void handleWebhookRequest(req, res));
  const webPort = webProcesses > 1 ? await freePort() : 0;
  if (webProcesses > 1) {
    cluster.setupPrimary({ exec: fileURLToPath(import.meta.url) });
    await Promise.all(
      Array.from({ length: webProcesses }, () => {
        const w = cluster.fork({ ...process.env, BENCH_WEBHOOKS_ROLE: "web", BENCH_PORT: String(webPort) });
        return new Promise<void>((r) => w.once("listening", () => r()));
      }),
    );
  }
  // Counts for the benchmark, on another port so they never queue behind the deliveries.
  const queue = jobQueue();
  const control: Server = createServer(async (req, res) => {
    if (req.url === "/cpu") {
      // CPU time of this (web) process so far, in ms: user + system.
      const u = process.cpuUsage();
      if (process.env.TRACE_WD) { console.error(((globalThis as any).__tr ?? []).join(" ")); (globalThis as any).__tr = []; }
      res.end(JSON.stringify({ cpuMs: (u.user + u.system) / 1000, recorded }));
      return;
    }
    if (req.url === "/profile-start" || req.url === "/profile-stop") {
      res.end(await profile(req.url === "/profile-start" ? "start" : "stop"));
      return;
    }
    if (req.url === "/start-worker") {
      queue.start();
      res.end("{}");
      return;
    }
    const [receipts, jobs, mirrors, erpCreated, createdLog, twice, runs] = await Promise.all([
      prisma.webhookReceipt.count({ where: { shop: SHOP } }),
      prisma.job.groupBy({ by: ["status"], where: { shop: SHOP }, _count: { _all: true } }),
      prisma.mirrorCustomer.count({ where: { shop: SHOP } }),
      prisma.erpCustomer.count({ where: { shop: SHOP } }),
      prisma.syncLogEntry.count({ where: { shop: SHOP, code: "created" } }),
      prisma.syncLogEntry.groupBy({ by: ["shopifyCustomerId"], where: { shop: SHOP, code: "created" }, _count: { _all: true }, having: { shopifyCustomerId: { _count: { gt: 1 } } } }),
      prisma.syncRun.aggregate({ where: { shop: SHOP, kind: "webhook" }, _count: { _all: true }, _sum: { read: true, created: true, linked: true, skipped: true, failed: true } }),
    ]);
    const byStatus = Object.fromEntries(jobs.map((j) => [j.status, j._count._all]));
    const body = JSON.stringify({
      receipts,
      jobs: { queued: byStatus.queued ?? 0, running: byStatus.running ?? 0, done: byStatus.done ?? 0, failed: byStatus.failed ?? 0 },
      mirrors,
      erpCreated: erpCreated - Number(process.env.BENCH_ERP ?? 0),
      createdLog,
      customersCreatedTwice: twice.length,
      // Deliveries of the web process recorded at once in the database, and through the inbox (the database busy).
      recorded,
      // The webhook runs: one per processed delivery, each customer created, linked or skipped (no address).
      runs: { count: runs._count._all, ...Object.fromEntries(Object.entries(runs._sum).map(([k, v]) => [k, v ?? 0])) },
    });
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
  });
  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as any).port)));
  const [port, controlPort] = [webProcesses > 1 ? webPort : await listen(server), await listen(control)];
  let workerProcess: ChildProcess | null = null;
  if (process.env.BENCH_WORKER === "inline") queue.start();
  if (process.env.BENCH_WORKER === "process") {
    // `npm run worker` as production runs it, on the same database; ready once it says so.
    workerProcess = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "app", "cli", "worker.ts"), ...(process.env.BENCH_WORKER_NICE ? [`--nice=${process.env.BENCH_WORKER_NICE}`] : [])], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: workerProcess!.stdout! }).once("line", (line) => (line.startsWith("Job worker running") ? resolve() : reject(new Error(line))));
      workerProcess!.once("exit", (code) => reject(new Error(`the worker exited with ${code}`)));
    });
  }
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/webhooks`, control: `http://127.0.0.1:${controlPort}` }) + "\n");
  process.on("SIGTERM", async () => {
    if (workerProcess) {
      workerProcess.kill("SIGTERM");
      await new Promise((r) => workerProcess!.once("exit", r));
    }
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    await queue.stop();
    server.close();
    control.close();
    await prisma.$disconnect();
    process.exit(0);
  });
}

/** One of several web processes: the webhook route on the shared port, nothing else. */
async function runWeb() {
  process.env.DATABASE_URL = "file:" + process.env.BENCH_DB!;
  process.env.SHOPIFY_API_KEY = API_KEY;
  process.env.SHOPIFY_API_SECRET = API_SECRET;
  process.env.SHOPIFY_APP_URL = "http://127.0.0.1:3000";
  process.env.NODE_ENV = "production";
  const { handleWebhookRequest } = await import("../app/webhooks/node-http.server");
  createServer((req, res) => void handleWebhookRequest(req, res)).listen(Number(process.env.BENCH_PORT), "127.0.0.1");
}

// BENCH_PROFILE_DIR=dir: a V8 CPU profile of the web process during each burst only (not the warm-up nor the
// processing after it), written to dir as <pid>-<time>.cpuprofile (open it in Chrome DevTools or speedscope).
let inspectorSession: import("node:inspector").Session | null = null;
async function profile(what: "start" | "stop"): Promise<string> {
  const inspector = await import("node:inspector");
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => inspectorSession!.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
  if (what === "start") {
    inspectorSession = new inspector.Session();
    inspectorSession.connect();
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 100 });
    await post("Profiler.start");
    return "{}";
  }
  const { profile: data } = await post("Profiler.stop");
  inspectorSession!.disconnect();
  const dir = path.resolve(ROOT, process.env.BENCH_PROFILE_DIR!);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${Date.now()}.cpuprofile`);
  (await import("node:fs")).writeFileSync(file, JSON.stringify(data));
  return file;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as any).port;
      s.close(() => resolve(port));
    });
  });
}

if (process.env.BENCH_WEBHOOKS_ROLE === "app") await runApp();
if (process.env.BENCH_WEBHOOKS_ROLE === "web") await runWeb();
