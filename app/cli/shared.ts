// What the command-line tools share: where their output goes (so tests can run them in-process), the shop
// argument, the .env file, and how a tool's main() becomes a process exit code.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: progress lines are redrawn in place with \r. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export const processIo: CliIo = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
};

/** Exit codes of every tool (documented in each --help). */
export const EXIT = { ok: 0, failed: 1, completedWithErrors: 2 } as const;

/** A usage or input problem: the message is for the person at the terminal, no stack trace. */
export class CliError extends Error {}

/**
 * A shop domain as the app stores it: `my-store.myshopify.com`, lower case. Accepts a bare store name and a pasted
 * URL (`https://My-Store.myshopify.com/admin`). Null when it cannot be a shop domain.
 */
export function normalizeShopDomain(input: string): string | null {
  let s = input.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  if (/^[a-z0-9][a-z0-9-]*$/.test(s)) s = `${s}.myshopify.com`;
  return /^[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com$/.test(s) ? s : null;
}

/** The shop from --shop, else the SHOP environment variable; a clear error when neither gives a valid domain. */
export function shopFrom(option: string | undefined, io: CliIo): string {
  const given = option ?? io.env.SHOP;
  if (!given || !given.trim()) throw new CliError("No shop given: pass --shop <store>.myshopify.com or set SHOP in the environment.");
  const shop = normalizeShopDomain(given);
  if (!shop) throw new CliError(`"${given}" is not a shop domain: expected something like my-store.myshopify.com.`);
  return shop;
}

/** Load KEY=VALUE lines of a .env file into process.env, never overriding what the environment already sets. */
export function loadDotEnv(file = path.resolve(".env")) {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const m = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (!m || process.env[m[1]] !== undefined) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    process.env[m[1]] = v;
  }
}

/** Is this module the script node was started with (and not imported by a test)? */
export function isEntryPoint(metaUrl: string): boolean {
  const script = process.argv[1];
  return Boolean(script) && metaUrl === pathToFileURL(path.resolve(script)).href;
}

/** Run a tool's main as the process: .env loaded, exit code set, unexpected errors printed once. */
export function runAsProcess(main: (argv: string[], io: CliIo) => Promise<number>) {
  loadDotEnv();
  main(process.argv.slice(2), processIo)
    .then((code) => process.exit(code))
    .catch((e) => {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exit(EXIT.failed);
    });
}

/** The app's environment problem (missing SHOPIFY_API_KEY…) as one readable message, else null. */
export function envProblem(e: unknown): string | null {
  if ((e as Error)?.constructor?.name === "EnvError") return (e as Error).message;
  return null;
}

/** A database that was never migrated, as one readable message, else null. */
export function databaseProblem(e: unknown): string | null {
  const err = e as { code?: string; message?: string };
  if (err?.code === "P2021" || /no such table|does not exist in the current database/i.test(String(err?.message))) {
    return "The app's database has no tables yet: run npx prisma migrate deploy (or npm install) first.";
  }
  return null;
}
