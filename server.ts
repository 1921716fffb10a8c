// The app server (`npm start`): the production build (`npm run build`) behind Express — pages, assets, the Remix
// routes — with webhook deliveries taken straight from Node's HTTP server to the receive path. A delivery converted
// into a Fetch API Request and routed through Remix costs as much CPU as authenticating and recording it; under a
// burst that CPU is the answer time (bench/README.md, decision 008). Both paths call the same receive code.
//
// Environment: PORT (default 3000), HOST (default: every interface), UI_BUILD_DIR (default build), and the app's
// own variables (README, "Environment"), checked before anything starts.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import Database from "better-sqlite3";
import { databaseUrl } from "./app/db-url";
import { EnvError, env } from "./app/env.server";
import { uiEnv } from "./app/ui/env.server";

process.env.NODE_ENV ??= "production";
const ROOT = path.dirname(fileURLToPath(import.meta.url));

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let jobWorker: "on" | "off" = "on";
try {
  env();
  jobWorker = uiEnv().JOB_WORKER;
} catch (e) {
  if (e instanceof EnvError) fail(e.message);
  throw e;
}
const port = process.env.PORT === undefined || process.env.PORT === "" ? 3000 : /^\d+$/.test(process.env.PORT) ? Number(process.env.PORT) : NaN;
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number (0–65535), not "${process.env.PORT}".`);
for (const name of ["WEBHOOK_MAX_BYTES", "WEBHOOK_MAX_INFLIGHT_BYTES"]) {
  const v = process.env[name];
  if (v !== undefined && v !== "" && !/^[1-9]\d*$/.test(v)) fail(`${name} must be a number of bytes (for example 10485760), not "${v}".`);
}
const host = process.env.HOST || undefined;

// The database before anything listens: a missing folder or file, or one never migrated, is told in one line (the
// app would otherwise answer pages and fail on the first session lookup).
{
  const file = databaseUrl().replace(/^file:/, "");
  let tables: number;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    tables = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('Session', 'Job', 'ShopSettings')`).get() as { n: number }).n;
    db.close();
  } catch (e) {
    fail(`Cannot open the app's database ${file} (DATABASE_URL): ${(e as Error)?.message ?? e}. Create it with npx prisma migrate deploy.`);
  }
  if (tables < 3) fail(`The app's database ${file} has not been migrated: run npx prisma migrate deploy with the same DATABASE_URL.`);
}

const buildFile = path.resolve(ROOT, process.env.UI_BUILD_DIR || "build", "server", "index.js");
if (!existsSync(buildFile)) fail(`No production build at ${path.relative(process.cwd(), buildFile)}: run npm run build first.`);
// Loading the build starts the job queue and the schedule in this process unless JOB_WORKER=off. The build checks
// the environment again with its own copy of the check: its error is told in the same few lines.
const build = await import(pathToFileURL(buildFile).href).catch((e) => (e?.name === "EnvError" || e?.constructor?.name === "EnvError" ? fail(e.message) : Promise.reject(e)));
const webhooks = build.entry.module as {
  isWebhookRequest(req: IncomingMessage): boolean;
  handleWebhookRequest(req: IncomingMessage, res: ServerResponse, origin?: string): Promise<void>;
};

const pages = express();
pages.disable("x-powered-by");
pages.use(compression());
// Fingerprinted assets never change; everything else in public/ may.
pages.use(build.publicPath, express.static(path.resolve(ROOT, build.assetsBuildDirectory), { immutable: true, maxAge: "1y" }));
pages.use(express.static(path.join(ROOT, "public"), { maxAge: "1h" }));
pages.use(morgan("tiny"));
pages.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

// Webhook deliveries are not logged line by line (a burst would write hundreds of lines a second): every one is a
// receipt in the database, and failed work is in the sync log and on the worker's stderr.
const origin = process.env.SHOPIFY_APP_URL ?? "http://localhost";
const server = createServer((req, res) => {
  if (webhooks.isWebhookRequest(req)) void webhooks.handleWebhookRequest(req, res, origin);
  else pages(req, res);
});
server.once("error", (e: NodeJS.ErrnoException) =>
  fail(e.code === "EADDRINUSE" ? `Port ${port} is in use: set PORT to a free one.` : `The app server could not start: ${e.message}`),
);
server.listen(port, host, () => {
  const address = server.address();
  const shown = typeof address === "object" && address ? address.port : port;
  console.log(`Customer sync app listening on http://${host ?? "localhost"}:${shown}${host ? "" : " (every interface)"}`);
});

// On SIGTERM or Ctrl+C: stop taking connections and leave once open requests are answered (at most 10 s). The job
// queue, when it runs in this process, stops on the same signals after its running jobs (app/ui/worker.server.ts).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close(() => {
      if (jobWorker === "off") process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
