// Shopify Admin API simulator: a real HTTP server that executes GraphQL against Shopify's published
// Admin schema, with per-shop state, cost-based throttling, OAuth token exchange, bulk operations,
// signed webhooks and injectable faults. See docs/decisions/002-simulator.md.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { execute, GraphQLError, type DocumentNode, type OperationDefinitionNode, Kind } from "graphql";
import { loadSchema, prepare, selectOperation, SCHEMA_VERSION, type ShopifyGraphQLError } from "./schema.js";
import { requestedCost, actualCost, rootFieldNames } from "./cost.js";
import { fieldResolver, typeResolver, type ExecContext, shopObject } from "./resolvers.js";
import { ShopState, type BulkOp, type Fault, gidNum, iso } from "./model.js";
import * as ops from "./ops.js";
import { customerPayload, orderPayload, deliver, type DeliveryRecord } from "./webhooks.js";
import {
  verifySessionToken, newAccessToken, newRefreshToken, signSessionToken, type TokenInfo, type RefreshInfo,
  OFFLINE, ONLINE, TOKEN_EXCHANGE, ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S, ONLINE_TTL_S,
} from "./auth.js";
import { runBulkQuery as startBulk } from "./bulk.js";

export { signSessionToken } from "./auth.js";
export { signWebhook } from "./webhooks.js";

export interface SimulatorOptions {
  port?: number;
  host?: string;
  apiVersion?: string;
  apiKey: string;
  apiSecret: string;
  scopes?: string;
  bucketSize?: number;
  restoreRate?: number;
  webhookUrl?: string;
  /** topic -> absolute URL, or path appended to webhookUrl's origin */
  webhookRoutes?: Record<string, string>;
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** Deliver each webhook this many times (Shopify may duplicate). */
  webhookDuplicates?: number;
  /** Shuffle webhooks emitted by one request before delivering them (Shopify may reorder). */
  webhookShuffle?: boolean;
  autoWebhooks?: boolean;
  /** Extra time a bulk operation stays RUNNING after its file is built (default 0). */
  bulkDelayMs?: number;
  /** Root objects executed per slice while building a bulk file (event loop yields between slices). */
  bulkChunkSize?: number;
  maxQueryCost?: number;
  log?: (line: string) => void;
}

export interface ShopifySimulator {
  url: string;
  close(): Promise<void>;
  reset(): void;
  setCustomer(shop: string, c: any): any;
  deleteCustomer(shop: string, id: string): void;
  setOrder(shop: string, o: any): any;
  customers(shop: string): any[];
  orders(shop: string): any[];
  requests(shop: string): { total: number; byOperation: Record<string, number>; throttled: number };
  resetRequests(shop?: string): void;
  fault(shop: string, f: { type: string; operation?: string; times?: number; ms?: number }): void;
  setBucket(shop: string | null, size: number, restoreRate: number): void;
  issueAccessToken(shop: string): string;
  webhookPayload(shop: string, topic: string, id: string): any;
  deliverWebhook(shop: string, topic: string, payload: any, o?: { webhookId?: string; eventId?: string; url?: string; duplicates?: number }): Promise<{ status: number }>;
  setWebhookUrl(url: string | null): void;
  setAutoWebhooks(on: boolean): void;
  // extras
  setCustomers(shop: string, list: any[]): number;
  clearFaults(shop?: string): void;
  setWebhookOptions(o: { duplicates?: number; shuffle?: boolean; retryDelaysMs?: number[]; routes?: Record<string, string>; timeoutMs?: number }): void;
  webhookDeliveries(): DeliveryRecord[];
  bucket(shop: string): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
  sessionToken(shop: string, o?: { userId?: number; expiresInS?: number }): string;
  flushWebhooks(): Promise<void>;
  readonly apiVersion: string;
  readonly options: SimulatorOptions;
}

export const normalizeShop = (s: string) => {
  const d = String(s).trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return d.includes(".") ? d : `${d}.myshopify.com`;
};

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const s = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(s), ...headers });
  res.end(s);
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string, type: string | undefined): any {
  if (!raw) return {};
  const t = raw.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    try { return JSON.parse(raw); } catch { if (!type?.includes("form")) throw new Error("invalid JSON"); }
  }
  if (type?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  if (type?.includes("application/graphql")) return { query: raw };
  try { return JSON.parse(raw); } catch {
    if (raw.includes("=") && !raw.trim().startsWith("{")) return Object.fromEntries(new URLSearchParams(raw));
    throw new Error("invalid JSON");
  }
}

const THROTTLED_DOC = "https://shopify.dev/api/usage/rate-limits";

export async function startSimulator(opts: SimulatorOptions): Promise<ShopifySimulator> {
  const schema = loadSchema();
  const apiVersion = opts.apiVersion ?? SCHEMA_VERSION;
  const log = opts.log ?? (() => {});
  let defaultBucket = { size: opts.bucketSize ?? 2000, restoreRate: opts.restoreRate ?? 100 };
  let webhookUrl: string | null = opts.webhookUrl ?? null;
  let webhookRoutes: Record<string, string> = { ...(opts.webhookRoutes ?? {}) };
  let retryDelays = opts.webhookRetryDelaysMs ?? [100, 200, 300, 400, 500, 700, 1000];
  let webhookTimeout = opts.webhookTimeoutMs ?? 5000;
  let duplicates = opts.webhookDuplicates ?? 1;
  let shuffle = opts.webhookShuffle ?? false;
  let autoWebhooks = opts.autoWebhooks ?? false;
  const maxCost = opts.maxQueryCost ?? 1000;
  const scopes = opts.scopes ?? "read_customers,write_customers,read_orders";

  let shops = new Map<string, ShopState>();
  let shopSeq = 0;
  const tokens = new Map<string, TokenInfo>();
  const refreshTokens = new Map<string, RefreshInfo>();
  const held = new Set<ServerResponse>();
  const deliveries: DeliveryRecord[] = [];
  const pending = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();

  const shopState = (domain: string): ShopState => {
    const d = normalizeShop(domain);
    let s = shops.get(d);
    if (!s) { s = new ShopState(d, defaultBucket.size, defaultBucket.restoreRate, 60_000_000 + ++shopSeq); shops.set(d, s); }
    return s;
  };

  const refill = (s: ShopState, now = Date.now()) => {
    const b = s.bucket;
    b.available = Math.min(b.size, b.available + ((now - b.at) / 1000) * b.restoreRate);
    b.at = now;
    return b;
  };
  const throttleStatus = (s: ShopState) => {
    const b = refill(s);
    return { maximumAvailable: b.size, currentlyAvailable: Math.floor(b.available), restoreRate: b.restoreRate };
  };

  // ---------- webhooks ----------
  const urlFor = (topic: string): string | null => {
    const r = webhookRoutes[topic];
    if (r && /^https?:\/\//.test(r)) return r;
    if (!webhookUrl) return null;
    if (r) return new URL(r, webhookUrl).toString();
    return webhookUrl.replace("{topic}", topic);
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => {});
    return p;
  };

  async function deliverWebhook(shop: string, topic: string, payload: any, o: { webhookId?: string; eventId?: string; url?: string; duplicates?: number } = {}) {
    const url = o.url ?? urlFor(topic);
    if (!url) throw new Error(`no webhook URL configured for ${topic}`);
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    const webhookId = o.webhookId ?? randomUUID();
    const eventId = o.eventId ?? randomUUID();
    let last = { status: 0 };
    for (let i = 0; i < (o.duplicates ?? 1); i++) {
      last = await track(deliver({
        url, topic, shop: normalizeShop(shop), apiVersion, secret: opts.apiSecret, body, webhookId, eventId,
        retryDelaysMs: retryDelays, timeoutMs: webhookTimeout,
        log: (r) => { deliveries.push(r); log(`webhook ${r.topic} -> ${r.status}${r.error ? " " + r.error : ""} (attempt ${r.attempt})`); },
      }));
    }
    return last;
  }

  function webhookPayload(shop: string, topic: string, id: string): any {
    const s = shopState(shop);
    const cid = String(id);
    if (topic.startsWith("customers/") && !["customers/redact", "customers/data_request"].includes(topic)) {
      const c = s.customers.get(cid);
      if (topic === "customers/delete") return { id: gidNum(cid), tax_exemptions: [], admin_graphql_api_id: cid };
      if (!c) throw new Error(`no customer ${cid} in ${s.domain}`);
      return customerPayload(c);
    }
    if (topic.startsWith("orders/")) {
      const o = s.orders.get(cid);
      if (!o) throw new Error(`no order ${cid} in ${s.domain}`);
      return orderPayload(o, s);
    }
    if (topic === "customers/redact" || topic === "customers/data_request") {
      const c = s.customers.get(cid);
      const orders = [...s.orders.values()].filter((o) => o.customerId === cid).map((o) => o.num);
      return {
        shop_id: s.shopId, shop_domain: s.domain,
        customer: { id: gidNum(cid), email: c?.email ?? null, phone: c?.phone ?? null },
        ...(topic === "customers/redact" ? { orders_to_redact: orders } : { orders_requested: orders, data_request: { id: Date.now() % 100000 } }),
      };
    }
    if (topic === "shop/redact") return { shop_id: s.shopId, shop_domain: s.domain };
    if (topic === "app/uninstalled") {
      const sh = shopObject(s);
      return { id: s.shopId, name: sh.name, email: sh.email, domain: s.domain, myshopify_domain: s.domain, country: "DE", currency: "EUR", iana_timezone: "Europe/Berlin", plan_name: "basic" };
    }
    if (topic === "bulk_operations/finish") {
      const op = s.bulkOps.get(cid);
      if (!op) throw new Error(`no bulk operation ${cid}`);
      return bulkFinishPayload(op);
    }
    throw new Error(`unsupported topic ${topic}`);
  }

  const bulkFinishPayload = (op: BulkOp) => ({
    admin_graphql_api_id: op.id, completed_at: op.completedAt ? iso(op.completedAt) : null, created_at: iso(op.createdAt),
    error_code: op.errorCode ? op.errorCode.toLowerCase() : null, status: op.status.toLowerCase(), type: "query",
  });

  /** Echo: what the app changed comes back as webhooks (when auto-delivery is on). */
  function emitEvents(shop: ShopState, events: { topic: string; id: string; payload?: any }[]) {
    if (!autoWebhooks || !events.length) return;
    const batch = events.map((e) => {
      try { return { topic: e.topic, payload: e.payload ?? webhookPayload(shop.domain, e.topic, e.id) }; } catch { return null; }
    }).filter((x): x is { topic: string; payload: any } => !!x && !!urlFor(x.topic));
    if (shuffle) for (let i = batch.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [batch[i], batch[j]] = [batch[j], batch[i]]; }
    track((async () => {
      for (const b of batch) await deliverWebhook(shop.domain, b.topic, b.payload, { duplicates }).catch(() => undefined);
    })());
  }

  // ---------- bulk operations ----------
  let baseUrl = "";
  const bulkApi: ExecContext["sim"] = {
    runBulkQuery: (shop, query, groupObjects) => startBulk(shop, query, groupObjects, {
      schema, chunkSize: opts.bulkChunkSize ?? 1000, delayMs: opts.bulkDelayMs ?? 0,
      onComplete: (op) => {
        const url = urlFor("bulk_operations/finish");
        if (url) deliverWebhook(shop.domain, "bulk_operations/finish", bulkFinishPayload(op)).catch(() => undefined);
      },
      timers,
    }),
    pollBulk: (_shop, op) => { op.polls++; return op; },
    bulkUrl: (op) => `${baseUrl}/__sim/bulk/${encodeURIComponent(op.shop)}/${op.num}.jsonl`,
  };

  // ---------- GraphQL ----------
  function takeFaults(s: ShopState, roots: string[]): Map<string, Fault> {
    const hit = new Map<string, Fault>();
    for (const f of s.faults) {
      if (f.type === "searchLag" || hit.has(f.type) || f.times <= 0) continue;
      if (f.operation && !roots.includes(f.operation)) continue;
      f.times--;
      hit.set(f.type, f);
    }
    s.faults = s.faults.filter((f) => f.times > 0);
    return hit;
  }

  function formatExecError(e: GraphQLError, variables: Record<string, unknown>): ShopifyGraphQLError {
    // graphql-js: Variable "$input" got invalid value {...} at "input.phone"; <explanation>
    const m = e.message.match(/^Variable "\$(\w+)" got invalid value (.*?)(?: at "([^"]+)")?; (.*)$/s);
    if (m) {
      const decl = e.nodes?.[0] as any;
      const path = m[3] ? m[3].split(".").slice(1) : [];
      let explanation = m[4].replace(/\.$/, "");
      const nd = explanation.match(/^Field "(\w+)" is not defined by type "(\w+)"/);
      if (nd) { path.push(nd[1]); explanation = `Field is not defined on ${nd[2]}`; }
      const req = explanation.match(/^Field "(\w+)" of required type "([^"]+)" was not provided/);
      if (req) { path.push(req[1]); explanation = "Expected value to not be null"; }
      return {
        message: `Variable $${m[1]} of type ${decl?.type ? printType(decl.type) : "?"} was provided invalid value${path.length ? ` for ${path.join(".")}` : ""} (${explanation})`,
        locations: e.locations?.map((l) => ({ line: l.line, column: l.column })),
        extensions: { code: "INVALID_VARIABLE", value: variables[m[1]] ?? null, problems: [{ path, explanation }] },
      };
    }
    const ext = e.extensions && Object.keys(e.extensions).length ? e.extensions : undefined;
    return {
      message: e.message, locations: e.locations?.map((l) => ({ line: l.line, column: l.column })),
      ...(e.path ? { path: [...e.path] } : {}), ...(ext ? { extensions: ext } : {}),
    };
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, version: string) {
    const headerShop = req.headers["x-sim-shop-domain"] ? normalizeShop(String(req.headers["x-sim-shop-domain"])) : undefined;
    const token = String(req.headers["x-shopify-access-token"] ?? "");
    const tok = tokens.get(token);
    const shopDomain = headerShop ?? tok?.shop;
    const s = shopDomain ? shopState(shopDomain) : undefined;
    if (s) s.requests.total++;
    const raw = await readBody(req);
    if (!tok || (tok.expiresAt != null && tok.expiresAt < Date.now()) || (headerShop && headerShop !== tok.shop)) {
      return json(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const shop = s!;
    let body: any;
    try { body = parseBody(raw, req.headers["content-type"]); } catch {
      return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const headers = { "X-Shopify-API-Version": version === "unstable" ? "unstable" : apiVersion, "X-Request-Id": randomUUID() };
    if (typeof body.query !== "string" || !body.query.trim())
      return json(res, 400, { errors: { query: "Required parameter missing or invalid" } }, headers);
    const variables = body.variables && typeof body.variables === "object" ? body.variables : {};
    const costExt = (requested: number, actual: number | null) => ({
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(shop) },
    });

    const prepared = prepare(body.query);
    if (prepared.errors) return json(res, 200, { errors: prepared.errors, extensions: costExt(0, 0) }, headers);
    const document = prepared.document!;
    const op = selectOperation(document, body.operationName);
    if (!op) {
      const msg = body.operationName ? `No operation named "${body.operationName}"` : "An operation name is required";
      return json(res, 200, { errors: [{ message: msg, extensions: { code: "OPERATION_NAME_REQUIRED" } }], extensions: costExt(0, 0) }, headers);
    }
    if (op.operation === "subscription")
      return json(res, 200, { errors: [{ message: "Subscriptions are not supported", extensions: { code: "BAD_REQUEST" } }] }, headers);
    const roots = rootFieldNames(document, op, schema);
    const faults = takeFaults(shop, roots);

    if (faults.has("serverError")) {
      return json(res, 503, { errors: "Service Unavailable: the simulator was told to fail this request" }, headers);
    }
    const requested = requestedCost(schema, document, op, variables);
    if (requested > maxCost) {
      return json(res, 200, {
        errors: [{
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${maxCost}).\n\nSee ${THROTTLED_DOC} for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost, documentation: THROTTLED_DOC },
        }],
        extensions: costExt(requested, null),
      }, headers);
    }
    const b = refill(shop);
    if (faults.has("throttle") || b.available < requested) {
      shop.requests.throttled++;
      return json(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOC } }],
        extensions: costExt(requested, null),
      }, headers);
    }
    b.available -= requested;
    const latency = faults.get("latency");
    if (latency) await new Promise((r) => setTimeout(r, latency.ms ?? 1000));

    const ctx: ExecContext = { shop, now: Date.now(), events: [], sim: bulkApi };
    const result = execute({
      schema, document, operationName: body.operationName ?? undefined, rootValue: {}, contextValue: ctx,
      variableValues: variables, fieldResolver, typeResolver,
    }) as any;
    if (result && typeof result.then === "function") throw new Error("unexpected async execution");
    const executed = "data" in result;
    if (executed) for (const r of roots) shop.requests.byOperation[r] = (shop.requests.byOperation[r] ?? 0) + 1;
    const actual = executed ? actualCost(schema, document, op, variables, result.data) : 0;
    shop.bucket.available = Math.min(shop.bucket.size, shop.bucket.available + Math.max(0, requested - actual));
    const out: any = {};
    if (executed) out.data = result.data;
    if (result.errors?.length) out.errors = result.errors.map((e: GraphQLError) => formatExecError(e, variables));
    out.extensions = costExt(requested, actual);
    emitEvents(shop, ctx.events);

    if (faults.has("timeoutAfterCommit")) {
      // Committed; now the answer never comes. The client has to give up.
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    json(res, 200, out, headers);
  }

  // ---------- OAuth ----------
  async function handleOAuth(req: IncomingMessage, res: ServerResponse) {
    let b: any;
    try { b = parseBody(await readBody(req), req.headers["content-type"]); } catch { return json(res, 400, { error: "invalid_request" }); }
    if (b.client_id !== opts.apiKey || b.client_secret !== opts.apiSecret)
      return json(res, 400, { error: "invalid_client", error_description: "Client authentication failed due to unknown client or invalid credentials." });
    const headerShop = req.headers["x-sim-shop-domain"] ? normalizeShop(String(req.headers["x-sim-shop-domain"])) : undefined;
    if (b.grant_type === TOKEN_EXCHANGE) {
      const v = verifySessionToken(b.subject_token, opts.apiKey, opts.apiSecret);
      if (!v.ok) return json(res, 400, { error: "invalid_subject_token", error_description: `Invalid subject token: ${v.reason}` });
      const shop = normalizeShop(String(v.claims.dest));
      if (headerShop && headerShop !== shop) return json(res, 400, { error: "invalid_subject_token", error_description: "Subject token is for another shop" });
      shopState(shop);
      const type = b.requested_token_type ?? OFFLINE;
      if (type === ONLINE) {
        const access_token = newAccessToken();
        const userId = Number(v.claims.sub) || 1;
        tokens.set(access_token, { shop, kind: "online", expiresAt: Date.now() + ONLINE_TTL_S * 1000, userId });
        return json(res, 200, {
          access_token, scope: scopes, expires_in: ONLINE_TTL_S, associated_user_scope: scopes, session: v.claims.sid,
          associated_user: { id: userId, first_name: "Sim", last_name: "Merchant", email: `merchant@${shop}`, email_verified: true, account_owner: true, locale: "en", collaborator: false },
        });
      }
      if (type !== OFFLINE) return json(res, 400, { error: "invalid_request", error_description: "Unsupported requested_token_type" });
      const access_token = newAccessToken();
      if (String(b.expiring) === "1" || b.expiring === true) {
        const refresh_token = newRefreshToken();
        tokens.set(access_token, { shop, kind: "offline", expiresAt: Date.now() + ACCESS_TOKEN_TTL_S * 1000 });
        refreshTokens.set(refresh_token, { shop, expiresAt: Date.now() + REFRESH_TOKEN_TTL_S * 1000 });
        return json(res, 200, { access_token, expires_in: ACCESS_TOKEN_TTL_S, refresh_token, refresh_token_expires_in: REFRESH_TOKEN_TTL_S, scope: scopes });
      }
      tokens.set(access_token, { shop, kind: "offline", expiresAt: null });
      return json(res, 200, { access_token, scope: scopes });
    }
    if (b.grant_type === "refresh_token") {
      const r = refreshTokens.get(String(b.refresh_token ?? ""));
      if (!r || r.expiresAt < Date.now() || (headerShop && headerShop !== r.shop))
        return json(res, 400, { error: "invalid_grant", error_description: "The refresh token is invalid or expired." });
      refreshTokens.delete(String(b.refresh_token)); // rotated
      const access_token = newAccessToken(), refresh_token = newRefreshToken();
      tokens.set(access_token, { shop: r.shop, kind: "offline", expiresAt: Date.now() + ACCESS_TOKEN_TTL_S * 1000 });
      refreshTokens.set(refresh_token, { shop: r.shop, expiresAt: Date.now() + REFRESH_TOKEN_TTL_S * 1000 });
      return json(res, 200, { access_token, expires_in: ACCESS_TOKEN_TTL_S, refresh_token, refresh_token_expires_in: REFRESH_TOKEN_TTL_S, scope: scopes });
    }
    return json(res, 400, { error: "unsupported_grant_type" });
  }

  // ---------- control API ----------
  const sim: ShopifySimulator = {
    url: "",
    apiVersion,
    options: opts,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const r of held) r.destroy();
      held.clear();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    },
    reset() {
      shops = new Map();
      for (const r of held) r.destroy();
      held.clear();
      deliveries.length = 0;
    },
    setCustomer(shop, c) {
      const s = shopState(shop);
      const existed = c?.id ? s.customers.has(String(c.id)) : false;
      const out = ops.seedCustomer(s, c);
      emitEvents(s, [{ topic: existed ? "customers/update" : "customers/create", id: out.id }]);
      return ops.dumpCustomer(out);
    },
    setCustomers(shop, list) {
      const s = shopState(shop);
      for (const c of list) ops.seedCustomer(s, c);
      return s.customers.size;
    },
    deleteCustomer(shop, id) {
      const s = shopState(shop);
      const c = s.remove(String(id));
      if (c) emitEvents(s, [{ topic: "customers/delete", id: c.id, payload: { id: c.num, tax_exemptions: [], admin_graphql_api_id: c.id } }]);
    },
    setOrder(shop, o) {
      const s = shopState(shop);
      const existed = o?.id ? s.orders.has(String(o.id)) : false;
      const out = ops.seedOrder(s, o);
      emitEvents(s, [{ topic: existed ? "orders/updated" : "orders/create", id: out.id }]);
      return ops.dumpOrder(out);
    },
    customers(shop) { return shopState(shop).sorted("ID").map(ops.dumpCustomer); },
    orders(shop) { return shopState(shop).ordersSorted("ID").map(ops.dumpOrder); },
    requests(shop) {
      const r = shopState(shop).requests;
      return { total: r.total, byOperation: { ...r.byOperation }, throttled: r.throttled };
    },
    resetRequests(shop) {
      const list = shop ? [shopState(shop)] : [...shops.values()];
      for (const s of list) s.requests = { total: 0, byOperation: {}, throttled: 0 };
    },
    fault(shop, f) {
      const s = shopState(shop);
      const known = ["throttle", "serverError", "timeoutAfterCommit", "latency", "searchLag"];
      if (!known.includes(f.type)) throw new Error(`unknown fault type ${f.type} (expected one of ${known.join(", ")})`);
      if (f.type === "searchLag") { s.searchLagMs = f.ms ?? 2000; return; }
      s.faults.push({ type: f.type, operation: f.operation, times: f.times ?? 1, ms: f.ms });
    },
    clearFaults(shop) {
      const list = shop ? [shopState(shop)] : [...shops.values()];
      for (const s of list) { s.faults = []; s.searchLagMs = 0; }
    },
    setBucket(shop, size, restoreRate) {
      const apply = (s: ShopState) => { refill(s); s.bucket.size = size; s.bucket.restoreRate = restoreRate; s.bucket.available = Math.min(s.bucket.available, size); };
      if (shop == null) { defaultBucket = { size, restoreRate }; for (const s of shops.values()) apply(s); }
      else apply(shopState(shop));
    },
    bucket(shop) { return throttleStatus(shopState(shop)); },
    issueAccessToken(shop) {
      const t = newAccessToken();
      tokens.set(t, { shop: normalizeShop(shop), kind: "offline", expiresAt: null });
      shopState(shop);
      return t;
    },
    sessionToken(shop, o) { return signSessionToken(opts.apiKey, opts.apiSecret, normalizeShop(shop), o); },
    webhookPayload,
    deliverWebhook,
    setWebhookUrl(url) { webhookUrl = url; },
    setAutoWebhooks(on) { autoWebhooks = on; },
    setWebhookOptions(o) {
      if (o.duplicates != null) duplicates = o.duplicates;
      if (o.shuffle != null) shuffle = o.shuffle;
      if (o.retryDelaysMs) retryDelays = o.retryDelaysMs;
      if (o.routes) webhookRoutes = { ...o.routes };
      if (o.timeoutMs != null) webhookTimeout = o.timeoutMs;
    },
    webhookDeliveries() { return [...deliveries]; },
    async flushWebhooks() { while (pending.size) await Promise.allSettled([...pending]); },
  };

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL) {
    const parts = url.pathname.split("/").filter(Boolean).slice(1); // after "__sim"
    const method = parts[0];
    if (method === "bulk" && req.method === "GET") return serveBulk(res, decodeURIComponent(parts[1] ?? ""), parts[2] ?? "");
    const b = req.method === "GET" ? Object.fromEntries(url.searchParams) : parseBody(await readBody(req), req.headers["content-type"] ?? "application/json");
    const shop = b.shop ?? process.env.SIM_SHOP ?? "demo-shop.myshopify.com";
    const ok = (v: unknown) => json(res, 200, v === undefined ? { ok: true } : v);
    switch (method) {
      case "health": return ok({ ok: true, apiVersion, shops: [...shops.keys()] });
      case "reset": sim.reset(); return ok(undefined);
      case "setCustomer": return ok(sim.setCustomer(shop, b.customer));
      case "setCustomers": return ok({ count: sim.setCustomers(shop, b.customers ?? []) });
      case "deleteCustomer": sim.deleteCustomer(shop, b.id); return ok(undefined);
      case "setOrder": return ok(sim.setOrder(shop, b.order));
      case "customers": return ok(sim.customers(shop));
      case "orders": return ok(sim.orders(shop));
      case "requests": return ok(sim.requests(shop));
      case "resetRequests": sim.resetRequests(b.shop); return ok(undefined);
      case "fault": sim.fault(shop, b.fault ?? b); return ok(undefined);
      case "clearFaults": sim.clearFaults(b.shop); return ok(undefined);
      case "setBucket": sim.setBucket(b.shop ?? null, Number(b.size), Number(b.restoreRate)); return ok(undefined);
      case "bucket": return ok(sim.bucket(shop));
      case "issueAccessToken": return ok({ accessToken: sim.issueAccessToken(shop) });
      case "sessionToken": return ok({ sessionToken: sim.sessionToken(shop) });
      case "webhookPayload": return ok(sim.webhookPayload(shop, b.topic, b.id));
      case "deliverWebhook": {
        const payload = b.payload ?? sim.webhookPayload(shop, b.topic, b.id);
        return ok(await sim.deliverWebhook(shop, b.topic, payload, { webhookId: b.webhookId, eventId: b.eventId, url: b.url, duplicates: b.duplicates }));
      }
      case "setWebhookUrl": sim.setWebhookUrl(b.url ?? null); return ok(undefined);
      case "setAutoWebhooks": sim.setAutoWebhooks(b.on === true || b.on === "true"); return ok(undefined);
      case "setWebhookOptions": sim.setWebhookOptions(b); return ok(undefined);
      case "webhookDeliveries": return ok(sim.webhookDeliveries());
      case "generate": {
        const { generateCustomers } = await import("./generator.js");
        const list = generateCustomers({ count: Number(b.count ?? 100), seed: Number(b.seed ?? 1) });
        return ok({ count: sim.setCustomers(shop, list) });
      }
      default: return json(res, 404, { error: `unknown control method ${method}` });
    }
  }

  function serveBulk(res: ServerResponse, shop: string, file: string) {
    const s = shops.get(normalizeShop(shop));
    const num = Number(file.replace(/\.jsonl$/, ""));
    const op = s?.bulkOps.get(`gid://shopify/BulkOperation/${num}`);
    if (!op || op.status !== "COMPLETED") return json(res, 404, { error: "not found" });
    res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": op.fileSize ?? 0 });
    let i = 0;
    const pump = () => {
      while (i < op.chunks.length) {
        if (!res.write(op.chunks[i++])) { res.once("drain", pump); return; }
      }
      res.end();
    };
    pump();
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const gql = url.pathname.match(/^\/admin\/api\/([^/]+)\/graphql\.json$/);
    const handle = async () => {
      if (gql && req.method === "POST") return handleGraphQL(req, res, gql[1]);
      if (url.pathname === "/admin/oauth/access_token" && req.method === "POST") return handleOAuth(req, res);
      if (url.pathname.startsWith("/__sim/")) return handleControl(req, res, url);
      json(res, 404, { errors: "Not Found" });
    };
    handle().catch((e) => {
      log(`simulator error: ${(e as Error).stack}`);
      if (!res.headersSent) json(res, url.pathname.startsWith("/__sim/") ? 400 : 500, { errors: (e as Error).message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${addr.port}`;
  (sim as any).url = baseUrl;
  return sim;
}

function printType(t: any): string {
  if (t.kind === Kind.NON_NULL_TYPE) return `${printType(t.type)}!`;
  if (t.kind === Kind.LIST_TYPE) return `[${printType(t.type)}]`;
  return t.name.value;
}
function safeParse(s: string) { try { return JSON.parse(s); } catch { return s; } }

export type { DocumentNode, OperationDefinitionNode };
