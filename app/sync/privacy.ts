// Privacy compliance (spec §10): the data report, customer redaction, shop redaction.
import type { PrismaClient } from "@prisma/client";
import { deleteShopFromInbox } from "../webhooks/inbox.server";

/** Everything the app stores about one Shopify customer, as a JSON report kept for download in the app. */
export async function dataRequestReport(db: PrismaClient, shop: string, shopifyCustomerId: string) {
  const [mirror, addresses, orders, log] = await Promise.all([
    db.mirrorCustomer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: shopifyCustomerId } } }),
    db.mirrorAddress.findMany({ where: { shop, customerShopifyId: shopifyCustomerId } }),
    db.importedOrder.findMany({ where: { shop, shopifyCustomerId } }),
    db.syncLogEntry.findMany({ where: { shop, shopifyCustomerId } }),
  ]);
  const erp = mirror?.erpCustomerNo ? await db.erpCustomer.findUnique({ where: { shop_no: { shop, no: mirror.erpCustomerNo } } }) : null;
  const report = { shop, shopifyCustomerId, generatedAt: new Date().toISOString(), mirror, addresses, linkedErpCustomer: erp, orders, log };
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
