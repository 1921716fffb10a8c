// The Prisma client singleton, on SQLite through the better-sqlite3 driver adapter (no binary engine).
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { databaseUrl } from "./db-url";

declare global {
  // eslint-disable-next-line no-var
  var __prisma: PrismaClient | undefined;
}

/**
 * Write-ahead logging: a commit appends to the log and syncs it once (the default rollback journal syncs three
 * times), and readers in other processes (the worker, `npm run sync`) are not blocked by a writer. `synchronous =
 * FULL` keeps every commit durable through a power cut: a webhook answered 200 is never lost. Another process's write
 * is waited for up to 10 s before SQLITE_BUSY.
 */
const CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";

const WRITE_LOCK_WAIT_MS = 10_000;
/** Longest pause between two attempts at the write lock: others hold it for a few milliseconds at a time. */
const MAX_RETRY_MS = 4;
const statement = (sql: string) => ({ sql, args: [], argTypes: [] });
export const isBusy = (e: any) => String(e?.cause?.originalCode ?? e?.code ?? "").startsWith("SQLITE_BUSY");

/**
 * Take the database's write lock at the start of every transaction, waiting for another process's writer without
 * blocking this process. The adapter begins transactions as DEFERRED: one that reads, then writes after another
 * process (the worker, `npm run sync`) has written fails with SQLITE_BUSY_SNAPSHOT instead of waiting. A statement
 * that could write (but changes nothing) takes the lock first; SQLite's own busy wait would sleep inside the
 * synchronous driver and stall every request of this process, so the wait here is a timer between attempts.
 */
async function takeWriteLock(tx: any) {
  await tx.executeRaw(statement("PRAGMA busy_timeout = 0"));
  try {
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (let delay = 1; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        await tx.executeRaw(statement(`UPDATE "Job" SET "id" = "id" WHERE 0`));
        return;
      } catch (e) {
        if (!isBusy(e) || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  } finally {
    await tx.executeRaw(statement("PRAGMA busy_timeout = 10000"));
  }
}

/** A FIFO lock: `acquire()` resolves with the function that releases it. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

/**
 * The adapter keeps one SQLite connection and serialises transactions among themselves, but a statement sent outside
 * a transaction while one is open runs on that connection inside it, and is undone if it rolls back: another
 * request's write, answered as done, silently lost (tests/reliability/sqlite-connection.test.ts). Here every
 * statement outside a transaction waits for the open transaction to end, and a transaction waits for them.
 * Rule that follows: inside `$transaction(async (tx) => …)` use `tx`, never the outer client (it would wait forever).
 */
function serialised(factory: any): any {
  const lock = new Lock();
  const wrapAdapter = (adapter: any) => {
    const locked =
      (method: string) =>
      async (...args: unknown[]) => {
        const release = await lock.acquire();
        try {
          return await adapter[method](...args);
        } finally {
          release();
        }
      };
    return new Proxy(adapter, {
      get(target, prop, receiver) {
        if (prop === "queryRaw" || prop === "executeRaw" || prop === "executeScript") return locked(prop);
        if (prop === "startTransaction") {
          return async (...args: unknown[]) => {
            const release = await lock.acquire();
            let tx: any;
            try {
              tx = await target.startTransaction(...args);
            } catch (e) {
              release();
              throw e;
            }
            try {
              await takeWriteLock(tx);
            } catch (e) {
              await tx.rollback().catch(() => {});
              release();
              throw e;
            }
            let released = false;
            const end = () => {
              if (!released) (released = true), release();
            };
            return new Proxy(tx, {
              get(t, p, r) {
                if (p === "commit" || p === "rollback") {
                  return async () => {
                    try {
                      return await t[p]();
                    } finally {
                      end();
                    }
                  };
                }
                const v = Reflect.get(t, p, r);
                return typeof v === "function" ? v.bind(t) : v;
              },
            });
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  };
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === "connect" || prop === "connectToShadowDb") {
        return async () => {
          const adapter = await target[prop]();
          await adapter.executeScript(CONNECTION_PRAGMAS);
          return wrapAdapter(adapter);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * Direct writes: one synchronous SQLite transaction on a connection of its own, for the hottest write of the app —
 * recording webhook deliveries (app/webhooks/receive.server.ts). Through Prisma's raw statements and interactive
 * transaction those rows cost about a quarter of a delivery's answer time; here they cost microseconds. `BEGIN
 * IMMEDIATE` takes the write lock; while another connection (Prisma's, in a transaction) or process holds it, the
 * attempt is repeated on a timer, so this process never sleeps inside SQLite. The work runs synchronously between
 * BEGIN and COMMIT: nothing else of this process runs in between, and a failure rolls back only this work.
 */
const directConnections = new Map<string, { db: Database.Database; ino: number; checkedAt: number }>();
/** How often a cached connection's file is checked for having been replaced (a stat call). */
const FILE_CHECK_MS = 1000;

/** The direct connection to a database file (opened on first use, kept open until `closeDirectConnections`). */
export function directConnection(url: string, init?: (db: Database.Database) => void): Database.Database {
  const file = url.replace(/^file:/, "");
  const cached = directConnections.get(url);
  if (cached) {
    // A file deleted or replaced while the app runs (a restored backup) is opened again: writes to the old one,
    // kept alive by the open connection, would be invisible to every other process.
    const now = Date.now();
    if (now - cached.checkedAt < FILE_CHECK_MS) return cached.db;
    if (sameFile(file, cached.ino)) {
      cached.checkedAt = now;
      return cached.db;
    }
    cached.db.close();
    directConnections.delete(url);
  }
  // Opening waits (once, up to 5 s) for another process that holds the file's lock; afterwards a busy lock is
  // never slept on inside SQLite: writeDirect waits on a timer, tryWriteDirect gives up.
  // A database is created by its migrations, never here; a file with its own `init` (the webhook inbox) is.
  const db = new Database(file, { timeout: 5000, fileMustExist: !init });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    init?.(db);
    db.pragma("busy_timeout = 0");
  } catch (e) {
    db.close();
    throw e;
  }
  directConnections.set(url, { db, ino: fileId(file), checkedAt: Date.now() });
  return db;
}

const fileId = (file: string) => {
  try {
    return statSync(file).ino;
  } catch {
    return -1;
  }
};
const sameFile = (file: string, ino: number) => fileId(file) === ino;

export async function writeDirect<T>(work: (db: Database.Database) => T, url = databaseUrl()): Promise<T> {
  const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    const result = tryWriteDirect(work, url);
    if (result !== BUSY) return result;
    if (Date.now() > deadline) throw Object.assign(new Error(`The database stayed locked by another writer for ${WRITE_LOCK_WAIT_MS / 1000} s.`), { code: "SQLITE_BUSY" });
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** What `tryWriteDirect` returns when another connection or process holds the write lock. */
export const BUSY: unique symbol = Symbol("database busy");

/**
 * `writeDirect` without waiting: one attempt at the write lock; `BUSY` (and nothing written) when another connection
 * or process holds it. The webhook route uses it so that a delivery is never answered late because the worker is in
 * the middle of a job's transaction (app/webhooks/inbox.server.ts).
 */
export function tryWriteDirect<T>(work: (db: Database.Database) => T, url = databaseUrl()): T | typeof BUSY {
  const db = directConnection(url);
  const st = transactionStatements(db);
  try {
    st.begin.run();
  } catch (e) {
    if (isBusy(e)) return BUSY;
    throw e;
  }
  try {
    const result = work(db);
    st.commit.run();
    return result;
  } catch (e) {
    if (db.inTransaction) st.rollback.run();
    throw e;
  }
}

const transactionStatementsOf = new WeakMap<Database.Database, { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement }>();
function transactionStatements(db: Database.Database) {
  let st = transactionStatementsOf.get(db);
  if (!st) {
    st = { begin: db.prepare("BEGIN IMMEDIATE"), commit: db.prepare("COMMIT"), rollback: db.prepare("ROLLBACK") };
    transactionStatementsOf.set(db, st);
  }
  return st;
}

/** Close the direct-write connections (tests that remove their database file; a clean shutdown). */
export function closeDirectConnections() {
  for (const { db } of directConnections.values()) db.close();
  directConnections.clear();
}

export function createPrismaClient(url = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: serialised(new PrismaBetterSQLite3({ url })) });
}

const prisma: PrismaClient = globalThis.__prisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalThis.__prisma = prisma;

export default prisma;
