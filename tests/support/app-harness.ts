// Runs the app's real modules against the Shopify simulator in one process: a fresh SQLite database migrated from
// prisma/migrations, the simulator on a free port, the app's env pointing at both, an offline session for the shop,
// and the app's real webhook path served over HTTP as the app server serves it. Used by the scenario runner, the tests,
// the benchmarks and the demo.
import { createServer, type Server } from "node:http";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { startSimulator, type ShopifySimulator, type SimulatorOptions } from "../simulator/index";
import { inboxUrl } from "../../app/db-url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";

export function migrateFresh(file: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  removeDatabase(file);
  const db = new Database(file);
  const dir = path.join(ROOT, "prisma", "migrations");
  for (const m of readdirSync(dir).filter((d) => /^\d/.test(d)).sort()) {
    db.exec(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
  }
  db.close();
}

/** Remove a SQLite database file with its journal and write-ahead-log files, and its webhook inbox likewise. */
export function removeDatabase(file: string) {
  const inbox = inboxUrl("file:" + file).replace(/^file:/, "");
  for (const f of [file, inbox]) for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(f + suffix, { force: true });
}

/**
 * A fresh migrated database and the app's Prisma client on it, for tests that need no simulator: `setup` in
 * beforeAll, `teardown` in afterAll.
 */
export function tempDatabase(name: string) {
  const file = path.join(ROOT, "tmp", `${name}-${process.pid}.sqlite`);
  const t = {
    file,
    db: undefined as unknown as import("@prisma/client").PrismaClient,
    async setup() {
      migrateFresh(file);
      process.env.DATABASE_URL = "file:" + file;
      const { createPrismaClient } = await import("../../app/db.server");
      t.db = createPrismaClient("file:" + file);
    },
    async teardown() {
      await t.db?.$disconnect();
      removeDatabase(file);
    },
  };
  return t;
}

export interface Harness {
  sim: ShopifySimulator;
  app: typeof import("./app-modules");
  webhookUrl: string;
  dbFile: string;
  addSession(shop: string): Promise<void>;
  wipe(): Promise<void>;
  close(): Promise<void>;
}

/** Start the simulator and load the app wired to it. Env must be set before the app's modules load. */
export async function startHarness(o: { name?: string; dbFile?: string; sim?: Partial<SimulatorOptions>; apiTimeoutMs?: number } = {}): Promise<Harness> {
  const dbFile = o.dbFile ?? path.join(ROOT, "tmp", `${o.name ?? "harness"}-${process.pid}.sqlite`);
  migrateFresh(dbFile);
  const sim = await startSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, webhookRetryDelaysMs: [50, 100, 200], ...o.sim });
  process.env.DATABASE_URL = "file:" + dbFile;
  process.env.SHOPIFY_API_KEY = API_KEY;
  process.env.SHOPIFY_API_SECRET = API_SECRET;
  process.env.SHOPIFY_APP_URL = process.env.SHOPIFY_APP_URL || "http://127.0.0.1:3000";
  process.env.SHOPIFY_SIMULATOR_URL = sim.url;
  process.env.SHOPIFY_API_TIMEOUT_MS = String(o.apiTimeoutMs ?? 1500);
  process.env.NODE_ENV = process.env.NODE_ENV === "production" ? "production" : "test";
  const app = await import("./app-modules");

  // POST /webhooks as the app server takes it: straight from node:http to the receive path (node-http.server.ts).
  const server: Server = createServer((req, res) => void app.webhookHttp.handleWebhookRequest(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as any).port;
  const webhookUrl = `http://127.0.0.1:${port}/webhooks`;
  sim.setWebhookUrl(webhookUrl);

  const prisma = app.prisma;
  return {
    sim,
    app,
    webhookUrl,
    dbFile,
    async addSession(shop: string) {
      const { Session } = await import("@shopify/shopify-api");
      const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_customers,write_customers,read_orders", accessToken: sim.issueAccessToken(shop) });
      await app.shopify.sessionStorage.storeSession(session);
    },
    async wipe() {
      const tables = (await prisma.$queryRawUnsafe<Array<{ name: string }>>(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'",
      )).map((t) => t.name);
      await prisma.$transaction(tables.map((t) => prisma.$executeRawUnsafe(`DELETE FROM "${t}"`)));
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await sim.close();
      await prisma.$disconnect();
      app.closeDirectConnections();
    },
  };
}
