// The webhook inbox: where a delivery is recorded when the app's database is busy with another writer.
//
// SQLite has one writer at a time per database file. The worker (`npm run worker`, or the queue inside the web
// process) holds the write lock for a few milliseconds per transaction of a job, and longer when the machine is busy
// and its lower CPU priority makes it wait for a core while it holds the lock. A delivery that waited for that lock
// was answered 20–40 ms late (bench/README.md). So the webhook route makes one attempt at the lock; if it is held,
// the delivery goes into the inbox — a small SQLite file of its own beside the database, written only by web
// processes and the mover, in synchronous transactions that hold its lock for microseconds — and is answered at once.
//
// The mover takes the inbox's deliveries into the database: receipts and jobs exactly as the route writes them
// (`recordInDatabase`: a delivery whose webhook id, or shop + topic + event id, is already recorded gets no job), then
// deletes them from the inbox. A crash between the two only means the next move finds them recorded already. The web
// process moves its inbox a few milliseconds later without waiting for the lock; the job queue moves it, waiting,
// before each claim, so every delivery reaches the queue even when the web process stops.
// Durability is the database's: write-ahead log, `synchronous = FULL` — a delivery answered 200 is on disk.
import { existsSync } from "node:fs";
import type { Database, Statement } from "better-sqlite3";
import { BUSY, directConnection, isBusy, tryWriteDirect, writeDirect } from "../db.server";
import { databaseUrl, inboxUrl } from "../db-url";

/** A delivery as it is recorded: its receipt, and the job it gets when it is not a duplicate. */
export interface Recordable {
  shop: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  /** SQLite date text (`sqliteDate`). */
  receivedAt: string;
  job(): { kind: string; key: string; payload: string; maxAttempts: number };
}

/**
 * Record deliveries in the app's database, inside the caller's write transaction: a receipt each, and a job for each
 * delivery seen for the first time. A duplicate's receipt insert does nothing (`ON CONFLICT DO NOTHING` on the webhook
 * id and on shop + topic + event id, also within the group) and it gets no job. Returns the number of new deliveries.
 */
export function recordInDatabase(db: Database, deliveries: Recordable[]): number {
  const st = databaseStatements(db);
  let added = 0;
  for (const d of deliveries) {
    if (st.receipt.run(d.shop, d.webhookId, d.eventId, d.topic, d.receivedAt).changes !== 1) continue;
    const job = d.job();
    st.job.run(d.shop, job.kind, job.key, job.payload, job.maxAttempts, d.receivedAt, d.receivedAt);
    added++;
  }
  return added;
}

/**
 * The inbox's connection: the file and its table are created on first use. An error names the file (a corrupt file,
 * a folder the app may not write).
 */
function openInbox(url: string): Database {
  const inbox = inboxUrl(url);
  try {
    return directConnection(inbox, (db) => db.exec(INBOX_SCHEMA));
  } catch (e) {
    if (isBusy(e)) throw e;
    throw Object.assign(new Error(`The webhook inbox ${inbox.replace(/^file:/, "")} cannot be used: ${(e as Error)?.message ?? e}`), { code: (e as { code?: string })?.code });
  }
}

/**
 * Create the inbox now if it does not exist yet (the web process, at its first delivery): creating the file costs a
 * few file syncs, better spent then than under a burst, when the database is busy.
 */
export function prepareInbox(url = databaseUrl()): void {
  openInbox(url);
}

/** Whether the inbox file exists (it is created by the first delivery that finds the database busy). */
const inboxExists = (url: string) => existsSync(inboxUrl(url).replace(/^file:/, ""));

/** Deliveries into the inbox (waiting for its lock on a timer; others hold it for microseconds). */
export async function addToInbox(deliveries: Recordable[], url = databaseUrl()): Promise<void> {
  openInbox(url);
  await writeDirect((db) => {
    const st = inboxStatements(db);
    for (const d of deliveries) {
      const job = d.job();
      st.insert.run(d.shop, d.webhookId, d.eventId, d.topic, d.receivedAt, job.kind, job.key, job.payload, job.maxAttempts);
    }
  }, inboxUrl(url));
}

const MOVE_BATCH = 500;

/**
 * Move the inbox's deliveries into the database. `wait: false` (the web process): give up at once, with `left: true`,
 * while another writer holds the database; `wait: true` (the job queue): wait for the lock.
 */
export async function moveInbox(o: { wait: boolean; url?: string }): Promise<{ moved: number; left: boolean }> {
  const url = o.url ?? databaseUrl();
  const inbox = inboxUrl(url);
  let moved = 0;
  if (!inboxExists(url)) return { moved, left: false };
  for (;;) {
    try {
      if (!inboxStatements(openInbox(url)).any.get()) return { moved, left: false };
    } catch (e) {
      if (isBusy(e)) return { moved, left: true };
      throw e;
    }
    // The batch is read inside the database's write transaction, not before waiting for it: shop/redact deletes the
    // shop's deliveries from the inbox, then its rows from the database, and a move still holding rows read earlier
    // would record them again after the redaction.
    let rows: InboxRow[] = [];
    let inboxBusy = false;
    const record = (db: Database) => {
      try {
        rows = inboxStatements(openInbox(url)).oldest.all(MOVE_BATCH) as InboxRow[];
      } catch (e) {
        if (!isBusy(e)) throw e;
        inboxBusy = true;
        rows = [];
      }
      return recordInDatabase(db, rows.map(fromRow));
    };
    const done = o.wait ? await writeDirect(record, url) : tryWriteDirect(record, url);
    if (done === BUSY || inboxBusy) return { moved, left: true };
    if (!rows.length) return { moved, left: false };
    await writeDirect((db) => {
      const del = inboxStatements(db).remove;
      for (const r of rows) del.run(r.seq);
    }, inbox);
    moved += rows.length;
  }
}

/** The deliveries waiting in the inbox (all shops, or one). */
export function inboxCount(shop?: string, url = databaseUrl()): number {
  if (!inboxExists(url)) return 0;
  const st = inboxStatements(openInbox(url));
  return ((shop === undefined ? st.count.get() : st.countShop.get(shop)) as { n: number }).n;
}

/** Delete a shop's deliveries from the inbox (shop/redact). Returns how many were deleted. */
export async function deleteShopFromInbox(shop: string, url = databaseUrl()): Promise<number> {
  if (!inboxExists(url)) return 0;
  openInbox(url);
  return writeDirect((db) => inboxStatements(db).removeShop.run(shop).changes, inboxUrl(url));
}

interface InboxRow {
  seq: number;
  shop: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  receivedAt: string;
  jobKind: string;
  jobKey: string;
  jobPayload: string;
  maxAttempts: number;
}

const fromRow = (r: InboxRow): Recordable => ({
  shop: r.shop,
  webhookId: r.webhookId,
  eventId: r.eventId,
  topic: r.topic,
  receivedAt: r.receivedAt,
  job: () => ({ kind: r.jobKind, key: r.jobKey, payload: r.jobPayload, maxAttempts: r.maxAttempts }),
});

const INBOX_SCHEMA = `CREATE TABLE IF NOT EXISTS "Delivery" (
  "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "shop" TEXT NOT NULL,
  "webhookId" TEXT NOT NULL UNIQUE,
  "eventId" TEXT,
  "topic" TEXT NOT NULL,
  "receivedAt" TEXT NOT NULL,
  "jobKind" TEXT NOT NULL,
  "jobKey" TEXT NOT NULL,
  "jobPayload" TEXT NOT NULL,
  "maxAttempts" INTEGER NOT NULL
)`;

type InboxStatements = Record<"insert" | "any" | "oldest" | "remove" | "removeShop" | "count" | "countShop", Statement>;
const inboxStatementsOf = new WeakMap<Database, InboxStatements>();
function inboxStatements(db: Database): InboxStatements {
  let st = inboxStatementsOf.get(db);
  if (!st) {
    st = {
      insert: db.prepare(
        `INSERT INTO "Delivery" ("shop", "webhookId", "eventId", "topic", "receivedAt", "jobKind", "jobKey", "jobPayload", "maxAttempts")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      any: db.prepare(`SELECT 1 FROM "Delivery" LIMIT 1`),
      oldest: db.prepare(`SELECT * FROM "Delivery" ORDER BY "seq" LIMIT ?`),
      remove: db.prepare(`DELETE FROM "Delivery" WHERE "seq" = ?`),
      removeShop: db.prepare(`DELETE FROM "Delivery" WHERE "shop" = ?`),
      count: db.prepare(`SELECT COUNT(*) AS n FROM "Delivery"`),
      countShop: db.prepare(`SELECT COUNT(*) AS n FROM "Delivery" WHERE "shop" = ?`),
    };
    inboxStatementsOf.set(db, st);
  }
  return st;
}

const databaseStatementsOf = new WeakMap<Database, { receipt: Statement; job: Statement }>();
function databaseStatements(db: Database) {
  let st = databaseStatementsOf.get(db);
  if (!st) {
    st = {
      receipt: db.prepare(
        `INSERT INTO "WebhookReceipt" ("shop", "webhookId", "eventId", "topic", "receivedAt", "status") VALUES (?, ?, ?, ?, ?, 'received') ON CONFLICT DO NOTHING`,
      ),
      job: db.prepare(
        `INSERT INTO "Job" ("shop", "kind", "key", "payload", "status", "attempts", "maxAttempts", "runAt", "lockedBy", "lastError", "createdAt")
         VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, '', '', ?)`,
      ),
    };
    databaseStatementsOf.set(db, st);
  }
  return st;
}
