// Privacy compliance (spec §10): the data report, customer redaction, shop redaction.
import type { PrismaClient } from "@prisma/client";
import { deleteShopFromInbox } from "../webhooks/inbox.server";

/** What each part of the data report holds, written into the report for whoever reads it (the merchant, an accountant, the customer). */
const REPORT_GUIDE = {
  mirror: "The copy of the customer's Shopify record the app keeps (names, email, phone, tags, note, marketing state) and its link to an ERP customer.",
  addresses: "The customer's addresses as copied from Shopify.",
  linkedErpCustomer: "The ERP customer record this Shopify customer is linked to (the merchant's own customer master).",
  orders: "Orders of this customer the app imported, with the sell-to, ship-to and bill-to blocks it stored.",
  ordersWithCustomerEmail: "Orders placed without a customer account (guest checkout) with this customer's email address.",
  log: "Sync log lines about this Shopify customer.",
  erpCustomerLog: "Sync log lines about the linked ERP customer that name no Shopify customer (for example sending it to Shopify).",
  webhookDeliveries:
    "Notifications Shopify sent the app about this customer (customer created/updated/deleted, orders, privacy requests), each with the data it carried while the app still stores it: a delivery's data is deleted once it is processed (payload null). " +
    "status: queued = waiting to be processed, running = being processed (this request), done = processed, failed = gave up after retries.",
  exportAttempts: "A pending send of the linked ERP customer to Shopify (the email and phone sent), kept until Shopify confirms it.",
  earlierDataRequests: "Earlier data reports made for this customer (when).",
  redactions: "Earlier erasure requests (customers/redact) carried out for this customer id.",
};

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The customer's orders and those Shopify lists (any number: read in chunks), by order id. */
async function reportOrders(db: PrismaClient, shop: string, shopifyCustomerId: string, requested: string[]) {
  const own = await db.importedOrder.findMany({ where: { shop, shopifyCustomerId } });
  const listed = (await inChunks(requested, (part) => db.importedOrder.findMany({ where: { shop, shopifyId: { in: part } } }))).flat();
  const byId = new Map([...own, ...listed].map((o) => [o.shopifyId, o]));
  return [...byId.values()].sort((a, b) => (a.shopifyId < b.shopifyId ? -1 : a.shopifyId > b.shopifyId ? 1 : 0));
}

/** Everything the app stores about one Shopify customer, as a JSON report kept for download in the app. */
export async function dataRequestReport(db: PrismaClient, shop: string, shopifyCustomerId: string, scope: { orderIds?: string[] } = {}) {
  // The customer's orders, and those Shopify lists in orders_requested (a guest order placed with its email).
  const requested = (scope.orderIds ?? []).filter(Boolean);
  const [mirror, addresses, orders, log, jobs, earlierDataRequests, redactions] = await Promise.all([
    db.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: shopifyCustomerId } } }),
    db.mirrorAddress.findMany({ where: { shop, customerShopifyId: shopifyCustomerId }, orderBy: { position: "asc" } }),
    reportOrders(db, shop, shopifyCustomerId, requested),
    db.syncLogEntry.findMany({ where: { shop, shopifyCustomerId }, orderBy: { id: "asc" } }),
    // Stored webhook payloads: customers/* and orders/create jobs of this customer are keyed by its gid (webhookJobKey).
    shopifyCustomerId ? db.job.findMany({ where: { shop, key: shopifyCustomerId }, orderBy: { id: "asc" } }) : Promise.resolve([]),
    db.dataRequest.findMany({ where: { shop, shopifyCustomerId }, orderBy: { id: "asc" }, select: { id: true, createdAt: true } }),
    db.redaction.findMany({ where: { shop, shopifyCustomerId }, orderBy: { id: "asc" }, select: { redactedAt: true, erpCustomerNo: true, rowsDeleted: true } }),
  ]);
  const erpNo = mirror?.erpCustomerNo ?? "";
  const email = mirror?.email ?? "";
  const [erp, exportAttempts, erpCustomerLog, ordersWithCustomerEmail] = await Promise.all([
    erpNo ? db.erpCustomer.findUnique({ where: { shop_no: { shop, no: erpNo } } }) : Promise.resolve(null),
    erpNo ? db.exportAttempt.findMany({ where: { shop, erpCustomerNo: erpNo } }) : Promise.resolve([]),
    erpNo ? db.syncLogEntry.findMany({ where: { shop, erpCustomerNo: erpNo, shopifyCustomerId: "" }, orderBy: { id: "asc" } }) : Promise.resolve([]),
    // Guest orders only: an order of another Shopify customer with the same address is that customer's data.
    guestOrderIds(db, shop, lowerEmails(email)).then((ids) => inChunks(ids, (part) => db.importedOrder.findMany({ where: { shop, shopifyId: { in: part } } }))).then((parts) => parts.flat()),
  ]);
  const webhookIds = jobs.map((j) => (parsed(j.payload) as { webhookId?: unknown })?.webhookId).filter((id): id is string => typeof id === "string");
  const receipts = webhookIds.length ? await db.webhookReceipt.findMany({ where: { shop, webhookId: { in: webhookIds } } }) : [];
  const receiptOf = new Map(receipts.map((r) => [r.webhookId, r]));
  const webhookDeliveries = jobs.map((j) => {
    const stored = parsed(j.payload) as { topic?: unknown; payload?: unknown; webhookId?: unknown } | string;
    const envelope = stored && typeof stored === "object" ? stored : {};
    const receipt = typeof envelope.webhookId === "string" ? receiptOf.get(envelope.webhookId) : undefined;
    return {
      topic: typeof envelope.topic === "string" ? envelope.topic : j.kind,
      receivedAt: receipt?.receivedAt ?? j.createdAt,
      processedAt: j.finishedAt ?? receipt?.processedAt ?? null,
      status: j.status,
      attempts: j.attempts,
      lastError: j.lastError,
      webhookId: typeof envelope.webhookId === "string" ? envelope.webhookId : null,
      // A processed delivery's payload is not kept (its job keeps the topic and webhook id only).
      payload: "payload" in envelope ? envelope.payload : null,
    };
  });
  const report = {
    shop,
    shopifyCustomerId,
    generatedAt: new Date().toISOString(),
    guide: REPORT_GUIDE,
    counts: {
      mirror: mirror ? 1 : 0,
      addresses: addresses.length,
      linkedErpCustomer: erp ? 1 : 0,
      orders: orders.length,
      ordersWithCustomerEmail: ordersWithCustomerEmail.filter((o) => !orders.some((x) => x.shopifyId === o.shopifyId)).length,
      log: log.length,
      erpCustomerLog: erpCustomerLog.length,
      webhookDeliveries: webhookDeliveries.length,
      exportAttempts: exportAttempts.length,
      earlierDataRequests: earlierDataRequests.length,
      redactions: redactions.length,
    },
    mirror,
    addresses,
    linkedErpCustomer: erp,
    // The order blocks are stored as JSON text; shown as data.
    orders: orders.map((o) => ({ ...o, sellTo: parsed(o.sellTo), shipTo: parsed(o.shipTo), billTo: parsed(o.billTo) })),
    ordersWithCustomerEmail: ordersWithCustomerEmail.filter((o) => !orders.some((x) => x.shopifyId === o.shopifyId)).map((o) => ({ ...o, sellTo: parsed(o.sellTo), shipTo: parsed(o.shipTo), billTo: parsed(o.billTo) })),
    log,
    erpCustomerLog,
    webhookDeliveries,
    exportAttempts,
    earlierDataRequests,
    redactions,
  };
  return db.dataRequest.create({ data: { shop, shopifyCustomerId, report: JSON.stringify(report, null, 2) } });
}

/** What a redaction request names besides the customer: Shopify's `orders_to_redact` and the customer's email. */
export interface RedactionScope {
  orderIds?: string[];
  email?: string;
}

/** At most this many ids in one statement (SQLite's parameter limit, as Prisma applies it, is 999). */
const IN_CHUNK = 500;
function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += IN_CHUNK) out.push(xs.slice(i, i + IN_CHUNK));
  return out;
}
async function inChunks<T, R>(xs: T[], f: (part: T[]) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(xs)) out.push(await f(part));
  return out;
}

/** The customer's email addresses, lower-cased (matching ignores case, so the redaction does too). */
function lowerEmails(...candidates: Array<string | null | undefined>): string[] {
  return [...new Set(candidates.map((e) => (e ?? "").trim().toLowerCase()).filter(Boolean))];
}

/** Stored guest orders (no customer account) placed with one of these email addresses, in any case. */
async function guestOrderIds(db: PrismaClient, shop: string, emails: string[]): Promise<string[]> {
  if (!emails.length) return [];
  const rows = await db.$queryRawUnsafe<Array<{ shopifyId: string }>>(
    `SELECT "shopifyId" FROM "ImportedOrder" WHERE "shop" = ? AND "shopifyCustomerId" = '' AND lower(trim("email")) IN (${emails.map(() => "?").join(", ")})`,
    shop,
    ...emails,
  );
  return rows.map((r) => r.shopifyId);
}

/** Waiting or failed orders/create jobs of guest orders placed with one of these email addresses. */
async function guestOrderJobs(db: PrismaClient, shop: string, emails: string[]) {
  const out: Array<{ id: number; status: string; orderId: string; job: Awaited<ReturnType<PrismaClient["job"]["findMany"]>>[number] }> = [];
  for (const email of emails) {
    // `contains` (SQLite's LIKE, which ignores ASCII case) narrows; the parsed payload decides.
    const rows = await db.job.findMany({ where: { shop, kind: "webhook", status: { in: ["queued", "failed"] }, key: { startsWith: "gid://shopify/Order/" }, payload: { contains: email } } });
    for (const j of rows) {
      let p: any = null;
      try {
        p = JSON.parse(j.payload);
      } catch {
        continue;
      }
      const order = p?.payload;
      if (p?.topic !== "orders/create" || order?.customer?.id || order?.customer?.admin_graphql_api_id) continue;
      const orderEmails = lowerEmails(order?.email, order?.contact_email);
      if (!orderEmails.includes(email) || out.some((o) => o.id === j.id)) continue;
      out.push({ id: j.id, status: j.status, orderId: j.key, job: j });
    }
  }
  return out;
}

/** " gid gid ": the redaction's order list as stored, so that one id is found with `contains: " gid "`. */
const idList = (ids: Iterable<string>) => {
  const list = [...new Set(ids)].filter(Boolean);
  return list.length ? ` ${list.join(" ")} ` : "";
};

/**
 * An order payload as the job queue keeps it, without the customer's data (customer, email, phone, addresses, notes,
 * browser and client details): what the order import needs to store the order with no customer — its id, name,
 * dates and lines.
 */
function withoutCustomerData(order: any) {
  const keep = ["id", "admin_graphql_api_id", "name", "order_number", "created_at", "updated_at", "processed_at", "currency", "total_price", "subtotal_price", "total_tax", "financial_status", "fulfillment_status", "line_items"];
  const out: Record<string, unknown> = { customer: null };
  for (const k of keep) if (order && k in order) out[k] = order[k];
  return out;
}

/**
 * Delete the mirror, its addresses, stored order payloads and log text of one customer and remove the link; blank the
 * customer's data on its orders (its own, those Shopify lists in `orders_to_redact`, and guest orders with its email).
 * The ERP customer (the merchant's own record) stays; the redaction is recorded with the orders it covered, and a late
 * delivery about the customer or one of those orders stores nothing of the customer again (app/sync/webhooks.ts,
 * app/sync/orders.ts). Orders still waiting in the job queue are kept, without the customer's data, so that they are
 * imported (an order is the merchant's record too).
 */
export async function redactCustomer(db: PrismaClient, shop: string, shopifyCustomerId: string, scope: RedactionScope = {}) {
  // An empty id would match every job without a key (scheduled runs) below.
  if (!shopifyCustomerId) throw new Error("The redaction request names no customer");
  const mirror = await db.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: shopifyCustomerId } } });
  const emails = lowerEmails(scope.email, mirror?.email);
  const listed = (scope.orderIds ?? []).filter(Boolean);
  const own = await db.importedOrder.findMany({ where: { shop, shopifyCustomerId }, select: { shopifyId: true } });
  const guest = await guestOrderIds(db, shop, emails);
  // Jobs not yet done of guest orders placed with the customer's email (keyed by their order, not the customer).
  const guestJobs = await guestOrderJobs(db, shop, emails);
  const orderIds = [...new Set([...listed, ...own.map((o) => o.shopifyId), ...guest, ...guestJobs.map((j) => j.orderId)])].filter(Boolean);
  const keys = [shopifyCustomerId, ...orderIds];
  // Jobs waiting to run: a customers/* delivery of the customer has nothing left to do; an order keeps its job,
  // without the customer's data.
  const queued = [...(await inChunks(keys, (part) => db.job.findMany({ where: { shop, key: { in: part }, status: "queued" } }))).flat()];
  for (const j of guestJobs) if (j.status === "queued" && !queued.some((q) => q.id === j.id)) queued.push(j.job);
  const dropJobs: number[] = guestJobs.filter((j) => j.status === "failed").map((j) => j.id);
  const keepJobs: Array<{ id: number; payload: string }> = [];
  for (const j of queued) {
    let p: any = null;
    try {
      p = JSON.parse(j.payload);
    } catch {
      // An unreadable payload is dropped with the rest.
    }
    if (j.kind === "webhook" && p?.topic === "orders/create") keepJobs.push({ id: j.id, payload: JSON.stringify({ ...p, payload: withoutCustomerData(p.payload) }) });
    else if (j.kind === "webhook") dropJobs.push(j.id);
  }
  // Statements take at most IN_CHUNK ids each (SQLite's limit on a statement's parameters; a customer may have
  // thousands of orders).
  const results = await db.$transaction([
    db.mirrorAddress.deleteMany({ where: { shop, customerShopifyId: shopifyCustomerId } }),
    db.mirrorCustomer.deleteMany({ where: { shop, shopifyId: shopifyCustomerId } }),
    ...chunks(orderIds).map((part) =>
      db.importedOrder.updateMany({
        where: { shop, shopifyId: { in: part } },
        data: { email: "", phone: "", sellTo: "{}", shipTo: "{}", billTo: "{}", shopifyCustomerId: "" },
      }),
    ),
    db.syncLogEntry.updateMany({ where: { shop, shopifyCustomerId }, data: { message: "(redacted)", shopifyCustomerId: "" } }),
    db.dataRequest.deleteMany({ where: { shop, shopifyCustomerId } }),
    // Stored webhook payloads of the customer and its orders: finished and failed jobs go.
    ...chunks(keys).map((part) => db.job.deleteMany({ where: { shop, key: { in: part }, status: { in: ["done", "failed"] } } })),
    ...chunks(dropJobs).map((part) => db.job.deleteMany({ where: { id: { in: part } } })),
    ...keepJobs.map((j) => db.job.updateMany({ where: { id: j.id, status: "queued" }, data: { payload: j.payload } })),
  ]);
  const rowsDeleted = results.reduce((n, r) => n + (r as { count: number }).count, 0) - keepJobs.length;
  await db.$transaction([
    db.redaction.create({ data: { shop, shopifyCustomerId, erpCustomerNo: mirror?.erpCustomerNo ?? "", rowsDeleted, orderIds: idList(orderIds) } }),
    // The running job (this redaction, whose payload holds the customer's email and phone) keeps its row, emptied.
    db.job.updateMany({ where: { shop, key: shopifyCustomerId, status: "running" }, data: { payload: "{}" } }),
  ]);
  return { rowsDeleted };
}

/** Whether a redaction covered this customer (a late delivery about them must store nothing of them). */
export async function isRedactedCustomer(db: PrismaClient, shop: string, shopifyCustomerId: string | null | undefined) {
  if (!shopifyCustomerId) return false;
  return (await db.redaction.count({ where: { shop, shopifyCustomerId } })) > 0;
}

/** Whether a redaction covered this order, or the order's customer. */
export async function isRedactedOrder(db: PrismaClient, shop: string, orderId: string, shopifyCustomerId: string | null | undefined) {
  const or = [{ orderIds: { contains: ` ${orderId} ` } }, ...(shopifyCustomerId ? [{ shopifyCustomerId }] : [])];
  return (await db.redaction.count({ where: { shop, OR: or } })) > 0;
}

/** Delete every row of the shop, deliveries waiting in the webhook inbox included. */
export async function redactShop(db: PrismaClient, shop: string) {
  const inboxRows = await deleteShopFromInbox(shop);
  const where = { where: { shop } };
  const results = await db.$transaction([
    db.mirrorAddress.deleteMany(where),
    db.mirrorCustomer.deleteMany(where),
    db.importedOrder.deleteMany(where),
    db.syncLogEntry.deleteMany(where),
    db.syncRun.deleteMany(where),
    db.erpCustomer.deleteMany(where),
    db.customerTemplate.deleteMany(where),
    db.erpCountry.deleteMany(where),
    db.countrySetup.deleteMany(where),
    db.taxArea.deleteMany(where),
    db.numberSeries.deleteMany(where),
    db.companyInformation.deleteMany(where),
    db.shopSettings.deleteMany(where),
    db.exportAttempt.deleteMany(where),
    db.dataRequest.deleteMany(where),
    db.redaction.deleteMany(where),
    db.job.deleteMany(where),
    db.webhookReceipt.deleteMany(where),
    db.session.deleteMany(where),
  ]);
  return { rowsDeleted: inboxRows + results.reduce((n, r) => n + (r as { count: number }).count, 0) };
}
