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

/** Everything the app stores about one Shopify customer, as a JSON report kept for download in the app. */
export async function dataRequestReport(db: PrismaClient, shop: string, shopifyCustomerId: string) {
  const [mirror, addresses, orders, log, jobs, earlierDataRequests, redactions] = await Promise.all([
    db.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: shopifyCustomerId } } }),
    db.mirrorAddress.findMany({ where: { shop, customerShopifyId: shopifyCustomerId }, orderBy: { position: "asc" } }),
    db.importedOrder.findMany({ where: { shop, shopifyCustomerId } }),
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
    email ? db.importedOrder.findMany({ where: { shop, shopifyCustomerId: "", email: { in: [...new Set([email, email.toLowerCase()])] } } }) : Promise.resolve([]),
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
      ordersWithCustomerEmail: ordersWithCustomerEmail.length,
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
    ordersWithCustomerEmail: ordersWithCustomerEmail.map((o) => ({ ...o, sellTo: parsed(o.sellTo), shipTo: parsed(o.shipTo), billTo: parsed(o.billTo) })),
    log,
    erpCustomerLog,
    webhookDeliveries,
    exportAttempts,
    earlierDataRequests,
    redactions,
  };
  return db.dataRequest.create({ data: { shop, shopifyCustomerId, report: JSON.stringify(report, null, 2) } });
}

/**
 * Delete the mirror, its addresses, stored order payloads and log text of one customer and remove the link.
 * The ERP customer (the merchant's own record) stays; the redaction is recorded.
 */
export async function redactCustomer(db: PrismaClient, shop: string, shopifyCustomerId: string) {
  // An empty id would match every job without a key (scheduled runs) below.
  if (!shopifyCustomerId) throw new Error("The redaction request names no customer");
  const mirror = await db.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: shopifyCustomerId } } });
  const results = await db.$transaction([
    db.mirrorAddress.deleteMany({ where: { shop, customerShopifyId: shopifyCustomerId } }),
    db.mirrorCustomer.deleteMany({ where: { shop, shopifyId: shopifyCustomerId } }),
    db.importedOrder.updateMany({
      where: { shop, shopifyCustomerId },
      data: { email: "", phone: "", sellTo: "{}", shipTo: "{}", billTo: "{}", shopifyCustomerId: "" },
    }),
    db.syncLogEntry.updateMany({ where: { shop, shopifyCustomerId }, data: { message: "(redacted)", shopifyCustomerId: "" } }),
    db.dataRequest.deleteMany({ where: { shop, shopifyCustomerId } }),
    // Stored webhook payloads: the queue keeps each job's payload (customers/create|update, orders/create of this
    // customer carry name, email, phone and addresses). Finished and failed jobs go, and so do queued ones, which
    // would otherwise store the customer again after the redaction.
    db.job.deleteMany({ where: { shop, key: shopifyCustomerId, status: { not: "running" } } }),
  ]);
  const rowsDeleted = results.reduce((n, r) => n + (r as { count: number }).count, 0);
  await db.$transaction([
    db.redaction.create({ data: { shop, shopifyCustomerId, erpCustomerNo: mirror?.erpCustomerNo ?? "", rowsDeleted } }),
    // The running job (this redaction, whose payload holds the customer's email and phone) keeps its row, emptied.
    db.job.updateMany({ where: { shop, key: shopifyCustomerId, status: "running" }, data: { payload: "{}" } }),
  ]);
  return { rowsDeleted };
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
