// The check, as a newcomer would do it: `npm run simulator` (a seeded store of 10,000 customers) in one
// process, `npm run sync -- --connect-simulator` in another; the run's counts equal the store's.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, migrateFresh } from "../support/app-harness";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as any).port;
      s.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, out }));
  });
}

let simulator: ChildProcess | null = null;
afterAll(() => {
  simulator?.kill("SIGTERM");
});

describe("npm run sync against npm run simulator", () => {
  it("reads exactly the simulator's 10,000 seeded customers and mirrors each once", async () => {
    const port = await freePort();
    const store = 10_000;
    simulator = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["tests/simulator/cli.ts"], {
      cwd: ROOT,
      env: { ...process.env, SIM_PORT: String(port), SIM_SEED_CUSTOMERS: String(store), SHOPIFY_API_KEY: "cli-key", SHOPIFY_API_SECRET: "cli-secret" },
    });
    await new Promise<void>((resolve, reject) => {
      let text = "";
      simulator!.stdout!.on("data", (d) => {
        text += d;
        if (text.includes("listening")) resolve();
      });
      simulator!.once("exit", (c) => reject(new Error(`simulator exited with ${c}`)));
    });
    const dbFile = path.join(ROOT, "tmp", `cli-sync-${process.pid}.sqlite`);
    migrateFresh(dbFile);
    const env = {
      DATABASE_URL: `file:${dbFile}`,
      SHOPIFY_API_KEY: "cli-key",
      SHOPIFY_API_SECRET: "cli-secret",
      SHOPIFY_APP_URL: "http://127.0.0.1:3000",
      SHOPIFY_SIMULATOR_URL: `http://127.0.0.1:${port}`,
    };
    const shop = "demo-shop.myshopify.com";
    const r = await run(path.join(ROOT, "node_modules/.bin/tsx"), ["app/cli/sync.ts", "--shop", shop, "--connect-simulator", "--set", "customerImport=allCustomers"], env);
    expect(r.out).toContain(`Connected ${shop} through token exchange`);
    expect(r.out).toMatch(/Sync customers succeeded .*read 10000, created 0, updated 0, linked 0, skipped 0, failed 0/);
    expect(r.code).toBe(0);
    const db = new Database(dbFile, { readonly: true });
    const mirrors = db.prepare("SELECT COUNT(*) n, COUNT(DISTINCT shopifyId) d FROM MirrorCustomer WHERE shop = ?").get(shop) as any;
    const run1 = db.prepare("SELECT status, read FROM SyncRun WHERE shop = ? ORDER BY id DESC LIMIT 1").get(shop) as any;
    db.close();
    expect(mirrors).toEqual({ n: store, d: store });
    expect(run1).toEqual({ status: "succeeded", read: store });

    // A second run reads only what changed since the watermark (minus the overlap): nothing new is created.
    const again = await run(path.join(ROOT, "node_modules/.bin/tsx"), ["app/cli/sync.ts", "--shop", shop], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Sync customers succeeded .*created 0, updated 0, linked 0, skipped 0, failed 0/);
  }, 180_000);
});
