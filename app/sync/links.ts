// Links made and removed by a person (spec §4.1: a manual link is never replaced by automatic matching).
import type { PrismaClient } from "@prisma/client";
import type { ShopifyGateway } from "../shopify/gateway";
import { getCustomer } from "../shopify/operations";
import { loadMirrors, mirrorWrites, nextMirror } from "./mirror";

export async function linkManually(db: PrismaClient, shop: string, shopifyCustomerId: string, erpCustomerNo: string, gateway?: ShopifyGateway | null) {
  const erp = await db.erpCustomer.findUnique({ where: { shop_no: { shop, no: erpCustomerNo } } });
  if (!erp) throw new Error(`There is no ERP customer ${erpCustomerNo}.`);
  const existing = (await loadMirrors(db, shop, [shopifyCustomerId])).get(shopifyCustomerId);
  if (existing) {
    await db.mirrorCustomer.update({
      where: { shop_shopifyId: { shop, shopifyId: shopifyCustomerId } },
      data: { erpCustomerNo, linkSource: "manual", needsMatch: false, exportHash: "" },
    });
  } else {
    // Not mirrored yet: read it from Shopify so the link has a customer to hang on.
    if (!gateway) throw new Error(`Shopify customer ${shopifyCustomerId} is not known to the app yet; run Sync customers first.`);
    const c = await getCustomer(gateway, shopifyCustomerId);
    if (!c) throw new Error(`Shopify has no customer ${shopifyCustomerId}.`);
    const next = nextMirror(shop, c, undefined);
    next.row.erpCustomerNo = erpCustomerNo;
    next.row.linkSource = "manual";
    await db.$transaction(mirrorWrites(db, shop, next.row, next.addresses, true));
  }
  await db.syncLogEntry.create({
    data: { shop, level: "info", code: "linked", message: `Linked by hand to ERP customer ${erpCustomerNo}.`, shopifyCustomerId, erpCustomerNo },
  });
}

export async function unlink(db: PrismaClient, shop: string, shopifyCustomerId: string) {
  await db.$transaction([
    db.mirrorCustomer.updateMany({ where: { shop, shopifyId: shopifyCustomerId }, data: { erpCustomerNo: "", linkSource: "", exportHash: "" } }),
    db.mirrorAddress.updateMany({ where: { shop, customerShopifyId: shopifyCustomerId }, data: { erpCustomerNo: "" } }),
  ]);
}
