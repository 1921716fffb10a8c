// The production layout for webhook bursts: the web process answers deliveries (JOB_WORKER=off) and `npm run worker`
// does the work in a process of its own, on the same SQLite database. Asserts that deliveries answered by this process
// are processed by the other one, each exactly once, and that the worker stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startHarness, type Harness, removeDatabase } from "../support/app-harness";
import { gid, post, removeDb, seCustomer, seedShop, signedWebhook } from "./support";

const SHOP = "reliability-worker.myshopify.com";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ name: "reliability-worker" });
  await seedShop(h, SHOP);
});
afterAll(async () => {
  await h?.close();
  removeDb(h);
});

describe("npm run worker beside the web process", () => {
  it("processes the deliveries the web process recorded, each once, and stops on SIGTERM", async () => {
    const db = h.app.prisma;
    const ids = Array.from({ length: 30 }, (_, i) => 700 + i);
    for (const n of ids) h.sim.setCustomer(SHOP, seCustomer(n));
    // The worker: node itself with tsx as a loader, so that the signal reaches the process that does the work.
    const worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "app", "cli", "worker.ts"), "--nice", "5"], { cwd: ROOT, env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    worker.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => worker.once("exit", (code) => r(code)));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: worker.stdout! }).once("line", resolve);
      exited.then((code) => reject(new Error(`the worker exited with ${code}: ${stderr}`)));
    });
    expect(first).toMatch(/^Job worker running \(process \d+, priority 5\)/);

    // Deliveries answered here, some of them twice (Shopify's retries), while the worker runs.
    const deliveries = ids.map((n) => signedWebhook(h.webhookUrl, SHOP, "customers/create", h.sim.webhookPayload(SHOP, "customers/create", gid(n))));
    const statuses = await Promise.all([...deliveries, ...deliveries.slice(0, 10)].map((w) => post(w)));
    expect(statuses.every((s) => s === 200)).toBe(true);

    const deadline = Date.now() + 60_000;
    while ((await db.job.count({ where: { shop: SHOP, status: "done" } })) < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await db.job.count({ where: { shop: SHOP } })).toBe(ids.length);
    expect(await db.job.count({ where: { shop: SHOP, status: "done" } })).toBe(ids.length);
    expect(await db.webhookReceipt.count({ where: { shop: SHOP, status: "processed" } })).toBe(ids.length);
    expect(await db.mirrorCustomer.count({ where: { shop: SHOP, shopifyId: { in: ids.map(gid) } } })).toBe(ids.length);
    // Every customer created once: as many ERP customers as created-log entries, and no Shopify customer twice.
    const created = await db.syncLogEntry.findMany({ where: { shop: SHOP, code: "created" }, select: { shopifyCustomerId: true } });
    expect(created).toHaveLength(ids.length);
    expect(new Set(created.map((c) => c.shopifyCustomerId)).size).toBe(ids.length);
    expect(await db.erpCustomer.count({ where: { shop: SHOP } })).toBeGreaterThanOrEqual(ids.length);

    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 90_000);

  it("refuses to start, with one line and exit code 1, on a database without tables or in a folder that does not exist", async () => {
    const { execFile } = await import("node:child_process");
    const run = (databaseUrl: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ["--import", "tsx", path.join(ROOT, "app", "cli", "worker.ts")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 30_000 }, (e, stdout, stderr) =>
          resolve({ code: e ? ((e as any).code ?? null) : 0, stdout, stderr }),
        );
      });
    const empty = path.join(ROOT, "tmp", `worker-empty-${process.pid}.sqlite`);
    const a = await run("file:" + empty);
    expect(a).toEqual({ code: 1, stdout: "", stderr: "The app's database has no tables yet: run npx prisma migrate deploy (or npm install) first.\n" });
    const b = await run("file:" + path.join(ROOT, "tmp", "no-such-folder", "db.sqlite"));
    expect(b).toEqual({ code: 1, stdout: "", stderr: "Cannot open the app's database (DATABASE_URL): Cannot open database because the directory does not exist\n" });
    const { rmSync } = await import("node:fs");
    removeDatabase(empty);
  }, 60_000);

  it("--help explains the layout; a bad --nice is a clear error", async () => {
    const { main } = await import("../../app/cli/worker");
    const out = { out: "", err: "" };
    const io = { out: (s: string) => void (out.out += s), err: (s: string) => void (out.err += s), isTTY: false, env: {} };
    expect(await main(["--help"], io)).toBe(0);
    expect(out.out).toContain("JOB_WORKER=off");
    expect(await main(["--nice", "fast"], io)).toBe(1);
    expect(out.err).toContain('--nice must be a whole number from -20 to 19, not "fast"');
  });
});
