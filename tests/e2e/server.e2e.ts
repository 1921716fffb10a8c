// The app server as `npm start` runs it (server.ts, `node --import tsx server.ts`) on the e2e production build, as a
// child process: webhook deliveries taken straight to the receive path, pages through Express and Remix, SIGTERM, and
// the refusals at start (an invalid environment, no build). No browser needed.
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, migrateFresh, removeDatabase } from "../support/app-harness";
import { signWebhook } from "../simulator/webhooks";
import { BUILD_DIR } from "./support";

const API_KEY = "server-e2e-key";
const API_SECRET = "server-e2e-secret";
const SHOP = "server-e2e.myshopify.com";
const MAX_BYTES = 1000;
const dbFile = path.join(ROOT, "tmp", `e2e-server-${process.pid}.sqlite`);

const children = new Set<ChildProcess>();

/** The server's environment: this process's, without any Shopify/app variables it may carry, plus `extra`. */
function serverEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(SHOPIFY_|DATABASE_URL$|PORT$|HOST$|UI_BUILD_DIR$|JOB_WORKER$|WEBHOOK_MAX_BYTES$|APP_BRIDGE_URL$)/.test(name)) delete env[name];
  Object.assign(env, {
    // Relative: server.ts resolves it against the repository root.
    UI_BUILD_DIR: path.relative(ROOT, BUILD_DIR),
    PORT: "0",
    DATABASE_URL: "file:" + dbFile,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1:3000",
    JOB_WORKER: "off",
    NODE_ENV: "production",
  });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

interface Server {
  child: ChildProcess;
  port: number;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnServer(env: NodeJS.ProcessEnv) {
  // cwd is the repository root, as under `npm start` (npm runs scripts there).
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Start the server and wait for its "listening" line (the real port: PORT=0). */
async function startServer(extra: Record<string, string | undefined> = {}): Promise<Server> {
  const s = spawnServer(serverEnv(extra));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start in 30 s:\n${JSON.stringify(s.output())}`)), 30_000);
    const onData = () => {
      const m = /Customer sync app listening on http:\/\/localhost:(\d+)/.exec(s.output().stdout);
      if (!m) return;
      clearTimeout(timer);
      s.child.stdout!.off("data", onData);
      resolve(Number(m[1]));
    };
    s.child.stdout!.on("data", onData);
    void s.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code ?? signal}) before listening:\n${JSON.stringify(s.output())}`));
    });
  });
  return { ...s, port };
}

/** Run the server to its end (it is expected to refuse to start), at most 30 s. */
async function runToExit(extra: Record<string, string | undefined>) {
  const s = spawnServer(serverEnv(extra));
  const timer = setTimeout(() => s.child.kill("SIGKILL"), 30_000);
  const { code, signal } = await s.exited;
  clearTimeout(timer);
  return { code, signal, ...s.output() };
}

function counts() {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    const receipts = db.prepare("SELECT shop, webhookId, eventId, topic FROM WebhookReceipt ORDER BY id").all() as Array<Record<string, string | null>>;
    const jobs = db.prepare("SELECT shop, kind, status, payload FROM Job ORDER BY id").all() as Array<Record<string, string>>;
    return { receipts, jobs };
  } finally {
    db.close();
  }
}

const customer = (id: number) => ({
  id,
  email: `customer-${id}@example.com`,
  first_name: "Ada",
  last_name: "Lovelace",
  phone: null,
  state: "enabled",
  created_at: "2026-07-01T10:00:00+00:00",
  updated_at: "2026-07-01T10:00:00+00:00",
  admin_graphql_api_id: `gid://shopify/Customer/${id}`,
  addresses: [],
});

function deliveryHeaders(body: string, o: { webhookId: string; eventId: string; hmac?: string }) {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": "customers/create",
    "X-Shopify-Hmac-Sha256": o.hmac ?? signWebhook(body, API_SECRET),
    "X-Shopify-Shop-Domain": SHOP,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": o.webhookId,
    "X-Shopify-Event-Id": o.eventId,
    "User-Agent": "Shopify-Captain-Hook",
  };
}

/** A POST whose body goes out chunked, without a Content-Length (the server must count while it reads). */
function postChunked(port: number, headers: Record<string, string>, body: string) {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/webhooks", method: "POST", headers: { ...headers, "Transfer-Encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server answers 413 and closes the connection without reading the rest: a reset while writing is expected.
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 256) req.write(body.slice(i, i + 256));
    req.end();
  });
}

/** Only the headers of a POST, its body never sent: answered only if the server refuses it from the headers alone. */
function postHeadersOnly(port: number, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/webhooks", method: "POST", headers }, (res) => {
      res.resume();
      clearTimeout(timer);
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("No answer in 3 s to headers announcing a body over the limit: the server waited for the body"));
    }, 3_000);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.flushHeaders();
  });
}

beforeAll(async () => {
  // The global setup builds only when Chromium is there (for the browser tests); this file needs the build either way.
  // Skipped when tmp/e2e-build is newer than its sources.
  const { ensureBuild } = await import("../../scripts/demo");
  ensureBuild(BUILD_DIR, { quiet: true });
  migrateFresh(dbFile);
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  removeDatabase(dbFile);
});

describe("the app server (server.ts)", () => {
  describe("serving", () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = await startServer({ WEBHOOK_MAX_BYTES: String(MAX_BYTES) });
      base = `http://127.0.0.1:${server.port}`;
    });
    afterAll(async () => {
      server?.child.kill("SIGKILL");
      await server?.exited;
    });

    it("takes a signed webhook delivery once: one receipt and one queued job, a repeat is a 200 without new work", async () => {
      expect(server.port).toBeGreaterThan(0);
      const before = counts();
      const body = JSON.stringify(customer(7001));
      const webhookId = randomUUID();
      const eventId = randomUUID();
      const res = await fetch(`${base}/webhooks`, { method: "POST", headers: deliveryHeaders(body, { webhookId, eventId }), body });
      expect(res.status, await res.text()).toBe(200);

      // Compared with the state before (a retry of this test finds the first attempt's rows).
      const after = counts();
      expect(after.receipts.slice(before.receipts.length)).toEqual([{ shop: SHOP, webhookId, eventId, topic: "customers/create" }]);
      const jobs = after.jobs.slice(before.jobs.length);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ shop: SHOP, kind: "webhook", status: "queued" });
      const job = JSON.parse(jobs[0].payload);
      expect(job).toMatchObject({ topic: "customers/create", webhookId, payload: { id: 7001, email: "customer-7001@example.com" } });

      // Shopify's retry of the same delivery.
      const again = await fetch(`${base}/webhooks`, { method: "POST", headers: deliveryHeaders(body, { webhookId, eventId }), body });
      expect(again.status, await again.text()).toBe(200);
      expect(counts()).toEqual(after);

      // The direct path, not Remix: Express logs every request it serves (morgan), the webhook path logs none.
      expect(server.output().stdout).not.toMatch(/POST \/webhooks/);
    });

    it("refuses a delivery with a wrong HMAC (401) and stores nothing", async () => {
      const before = counts();
      const body = JSON.stringify(customer(7002));
      const res = await fetch(`${base}/webhooks`, {
        method: "POST",
        headers: deliveryHeaders(body, { webhookId: randomUUID(), eventId: randomUUID(), hmac: signWebhook(body, "not-the-secret") }),
        body,
      });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
      // A body changed after signing is refused the same way.
      const signed = signWebhook(body, API_SECRET);
      const tampered = body.replace("Ada", "Eve");
      const res2 = await fetch(`${base}/webhooks`, { method: "POST", headers: deliveryHeaders(tampered, { webhookId: randomUUID(), eventId: randomUUID(), hmac: signed }), body: tampered });
      expect(res2.status).toBe(401);
      await res2.arrayBuffer();
      await new Promise((r) => setTimeout(r, 200));
      expect(counts()).toEqual(before);
    });

    it("refuses a delivery larger than WEBHOOK_MAX_BYTES (413), with or without a Content-Length, and stores nothing", async () => {
      const before = counts();
      const big = JSON.stringify({ ...customer(7003), note: "x".repeat(MAX_BYTES) });
      expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_BYTES);
      const headers = deliveryHeaders(big, { webhookId: randomUUID(), eventId: randomUUID() });
      const res = await fetch(`${base}/webhooks`, { method: "POST", headers, body: big });
      expect(res.status).toBe(413);
      expect(await res.text()).toMatch(/too large/);

      // Chunked: counted while read, refused once past the limit.
      const big2 = JSON.stringify({ ...customer(7004), note: "y".repeat(4 * MAX_BYTES) });
      expect(await postChunked(server.port, deliveryHeaders(big2, { webhookId: randomUUID(), eventId: randomUUID() }), big2)).toBe(413);

      // A Content-Length over the limit is refused before any of the body arrives (the body is never sent here).
      expect(await postHeadersOnly(server.port, { ...headers, "Content-Length": String(100 * MAX_BYTES) })).toBe(413);

      // A body of exactly WEBHOOK_MAX_BYTES is still taken (chunked too): the limit is that number of bytes.
      const unpadded = JSON.stringify({ ...customer(7005), note: "" });
      const small = JSON.stringify({ ...customer(7005), note: "z".repeat(MAX_BYTES - Buffer.byteLength(unpadded)) });
      expect(Buffer.byteLength(small)).toBe(MAX_BYTES);
      const webhookId = randomUUID();
      expect(await postChunked(server.port, deliveryHeaders(small, { webhookId, eventId: randomUUID() }), small)).toBe(200);
      const after = counts();
      expect(after.receipts).toHaveLength(before.receipts.length + 1);
      expect(after.receipts.at(-1)).toMatchObject({ webhookId });
      expect(after.jobs).toHaveLength(before.jobs.length + 1);
    });

    it("answers GET /webhooks with the Remix route's 405", async () => {
      const res = await fetch(`${base}/webhooks`);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect(await res.text()).toBe("Webhooks are POSTed here.");
      await expect.poll(() => server.output().stdout).toMatch(/GET \/webhooks 405/);
    });

    it("serves pages through Express and Remix, with the build's assets", async () => {
      const res = await fetch(`${base}/auth/login`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toMatch(/<html/i);
      expect(html).toContain("Log in");
      await expect.poll(() => server.output().stdout).toMatch(/GET \/auth\/login 200/);

      // A fingerprinted script of the page, from the build's client folder, cached for good.
      const asset = /\/assets\/[^"']+\.js/.exec(html)?.[0];
      expect(asset).toBeTruthy();
      const a = await fetch(base + asset);
      expect(a.status).toBe(200);
      expect(a.headers.get("content-type")).toMatch(/javascript/);
      expect(a.headers.get("cache-control")).toMatch(/immutable/);
      await a.arrayBuffer();
    });
  });

  it("leaves with exit code 0 on SIGTERM", async () => {
    const server = await startServer();
    // An open keep-alive connection must not hold it.
    const res = await fetch(`http://127.0.0.1:${server.port}/auth/login`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5_000).unref());
    const result = await Promise.race([server.exited, timeout]);
    expect(result, `still running 5 s after SIGTERM:\n${JSON.stringify(server.output())}`).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(server.output().stderr).not.toMatch(/^\s+at /m);
  });

  describe("refusing to start", () => {
    const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

    it("without SHOPIFY_API_KEY: exit code 1, the variable named, no stack trace", async () => {
      const r = await runToExit({ SHOPIFY_API_KEY: undefined });
      expect(r.code, JSON.stringify(r)).toBe(1);
      expect(r.stderr).toContain("SHOPIFY_API_KEY");
      expect(r.stderr).toMatch(/environment is not valid/);
      noStackTrace(r.stderr + r.stdout);
      expect(r.stdout).not.toMatch(/listening/);
    });

    it("with an empty SHOPIFY_API_KEY and no SHOPIFY_APP_URL: exit code 1, both named", async () => {
      const r = await runToExit({ SHOPIFY_API_KEY: "", SHOPIFY_APP_URL: undefined });
      expect(r.code, JSON.stringify(r)).toBe(1);
      expect(r.stderr).toContain("SHOPIFY_API_KEY");
      expect(r.stderr).toContain("SHOPIFY_APP_URL");
      noStackTrace(r.stderr + r.stdout);
    });

    it("without a production build: exit code 1 and the advice to run npm run build", async () => {
      const missing = path.join("tmp", `no-such-build-${process.pid}`);
      expect(existsSync(path.join(ROOT, missing))).toBe(false);
      const r = await runToExit({ UI_BUILD_DIR: missing });
      expect(r.code, JSON.stringify(r)).toBe(1);
      expect(r.stderr).toMatch(/npm run build/);
      expect(r.stderr).toContain(missing);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      noStackTrace(r.stderr + r.stdout);
      expect(r.stdout).not.toMatch(/listening/);
    });

    it("with a database whose folder does not exist, or one never migrated: exit code 1, the file named in one line, nothing listening", async () => {
      const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
      const { tmpdir } = await import("node:os");
      const dir = mkdtempSync(path.join(tmpdir(), "server-db-"));
      try {
        const missing = path.join(dir, "no-such-folder", "app.sqlite");
        const empty = path.join(dir, "empty.sqlite");
        writeFileSync(empty, "");
        for (const [file, said] of [[missing, /Cannot open the app's database/], [empty, /has not been migrated: run npx prisma migrate deploy/]] as const) {
          const r = await runToExit({ DATABASE_URL: `file:${file}` });
          expect(r.code, JSON.stringify(r)).toBe(1);
          expect(r.stderr).toMatch(said);
          expect(r.stderr).toContain(file);
          expect(r.stderr.trim().split("\n")).toHaveLength(1);
          noStackTrace(r.stderr + r.stdout);
          expect(r.stdout).not.toMatch(/listening/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("with a PORT that is not a port number: exit code 1, no stack trace", async () => {
      const r = await runToExit({ PORT: "70000" });
      expect(r.code, JSON.stringify(r)).toBe(1);
      expect(r.stderr).toMatch(/PORT must be a port number/);
      noStackTrace(r.stderr + r.stdout);
    });
  });
});
