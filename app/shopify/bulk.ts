// Large reads through a bulk operation: start it, poll it, then stream the JSONL result into a staging SQLite
// file so children (addresses, with __parentId, in any order) are regrouped with their parent without holding the
// whole store in memory. Memory stays flat in the number of customers.
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { customerFromGraphql } from "./adapters";
import type { ShopifyGateway } from "./gateway";
import { pollBulk, startBulkQuery } from "./operations";
import type { ShopifyCustomer } from "./types";
import { ShopifyApiError } from "./errors";

export interface BulkProblem {
  line: number;
  message: string;
}

export interface BulkReadOptions {
  pollMs?: number;
  maxWaitMs?: number;
  chunkSize?: number;
  onProblem?: (p: BulkProblem) => void;
  fetchImpl?: typeof fetch;
}

export async function runBulkQuery(gw: ShopifyGateway, inner: string, o: BulkReadOptions = {}): Promise<string | null> {
  const id = await startBulkQuery(gw, inner);
  const started = Date.now();
  let wait = o.pollMs ?? 250;
  for (;;) {
    const st = await pollBulk(gw, id);
    if (st.status === "COMPLETED") return st.url; // null url: the query matched nothing
    if (st.status === "FAILED" || st.status === "CANCELED" || st.status === "EXPIRED") {
      throw new ShopifyApiError(`The bulk read ended with status ${st.status}${st.errorCode ? ` (${st.errorCode})` : ""}`);
    }
    if (Date.now() - started > (o.maxWaitMs ?? 30 * 60_000)) throw new ShopifyApiError("The bulk read did not finish in time");
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 1.5, 5000);
  }
}

/** Read customers through a bulk operation, yielding chunks of complete customers (with all their addresses). */
export async function* bulkCustomers(gw: ShopifyGateway, inner: string, o: BulkReadOptions = {}): AsyncGenerator<ShopifyCustomer[]> {
  const url = await runBulkQuery(gw, inner, o);
  if (!url) return;
  const res = await (o.fetchImpl ?? fetch)(url);
  if (!res.ok || !res.body) throw new ShopifyApiError(`The bulk result could not be downloaded (HTTP ${res.status})`);
  const dir = mkdtempSync(path.join(tmpdir(), "bulk-"));
  const stage = new Database(path.join(dir, "stage.sqlite"));
  try {
    stage.pragma("journal_mode = OFF");
    stage.pragma("synchronous = OFF");
    // 2 MB of page cache (SQLite's default) instead of the 16 MB better-sqlite3 gives every connection: the staging
    // file is written once and read once, and the operating system caches it anyway.
    stage.pragma("cache_size = -2000");
    stage.exec(`CREATE TABLE parent (seq INTEGER PRIMARY KEY, id TEXT, json TEXT);
                CREATE TABLE child (parent TEXT, seq INTEGER, json TEXT);`);
    const insParent = stage.prepare("INSERT INTO parent (id, json) VALUES (?, ?)");
    const insChild = stage.prepare("INSERT INTO child (parent, seq, json) VALUES (?, ?, ?)");
    const lines = createInterface({ input: Readable.fromWeb(res.body as any), crlfDelay: Infinity });
    let n = 0;
    let batch: Array<[string, string | null, string]> = [];
    const flush = stage.transaction((rows: Array<[string, string | null, string]>) => {
      for (const [kind, parent, json] of rows) {
        if (kind === "p") insParent.run(JSON.parse(json).id, json);
        else insChild.run(parent, n, json);
      }
    });
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let obj: any;
      try {
        obj = JSON.parse(line);
      } catch {
        o.onProblem?.({ line: n, message: `Line ${n} of Shopify's bulk result is not valid JSON and was skipped.` });
        continue;
      }
      if (!obj || typeof obj.id !== "string") {
        o.onProblem?.({ line: n, message: `Line ${n} of Shopify's bulk result has no id and was skipped.` });
        continue;
      }
      batch.push(obj.__parentId ? ["c", String(obj.__parentId), line] : ["p", null, line]);
      if (batch.length >= 5000) {
        flush(batch);
        batch = [];
      }
    }
    flush(batch);
    stage.exec("CREATE INDEX child_parent ON child (parent, seq)");
    const size = o.chunkSize ?? 500;
    const page = stage.prepare("SELECT seq, id, json FROM parent WHERE seq > ? ORDER BY seq LIMIT ?");
    const kids = stage.prepare("SELECT json FROM child WHERE parent = ? ORDER BY seq");
    let after = 0;
    for (;;) {
      const rows = page.all(after, size) as Array<{ seq: number; id: string; json: string }>;
      if (!rows.length) break;
      after = rows[rows.length - 1].seq;
      const chunk: ShopifyCustomer[] = [];
      for (const r of rows) {
        const node = JSON.parse(r.json);
        const children = (kids.all(r.id) as Array<{ json: string }>).map((k) => JSON.parse(k.json));
        chunk.push(customerFromGraphql(node, children));
      }
      yield chunk;
    }
  } finally {
    stage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
