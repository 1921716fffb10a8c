// Orders (spec §8): who the sell-to and bill-to customers are, from the orders/create webhook and from the
// "Import orders" catch-up. A manual choice is never overwritten.
import type { PrismaClient } from "@prisma/client";
import type { ShopifyGateway } from "../shopify/gateway";
import { ordersPaged } from "../shopify/operations";
import { blankCustomer, type OrderAddress, type ShopifyCustomer, type ShopifyOrder } from "../shopify/types";
import { loadContext, type SyncContext } from "./context";
import { processCustomer } from "./customers";
import { byEmailPhone } from "./matching/by-email-phone";
import { sameAddress } from "./matching/by-bill-to-info";
import { addressFromMirror, loadMirrors } from "./mirror";
import { finishRun, startRun, type RunSummary, type RunTrigger } from "./runs";
import { commit } from "./unit-of-work";
import { isRedactedOrder } from "./privacy";
import { WATERMARK_OVERLAP_MS } from "./import";
import { updatedSinceQuery } from "../shopify/operations";

export interface Resolution {
  sellToCustomerNo: string;
  billToCustomerNo: string;
  status: "mapped" | "needsCustomer";
  reason: string;
}

function guestCustomer(order: ShopifyOrder): ShopifyCustomer {
  const a = order.billingAddress ?? order.shippingAddress;
  return blankCustomer({
    firstName: a?.firstName ?? "",
    lastName: a?.lastName ?? "",
    email: order.email,
    phone: order.phone || a?.phone || "",
    addresses: a ? [{ id: "", ...a }] : [],
  });
}

async function resolve(ctx: SyncContext, order: ShopifyOrder): Promise<Resolution> {
  const s = ctx.settings;
  const both = (no: string, reason: string): Resolution => ({ sellToCustomerNo: no, billToCustomerNo: no, status: "mapped", reason });
  const shipIso = (order.shippingAddress?.countryCode ?? "").toUpperCase();
  const setup = shipIso ? ctx.countrySetup.get(shipIso) : undefined;
  if (setup?.defaultCustomerNo && ctx.erp.has(setup.defaultCustomerNo)) {
    return both(setup.defaultCustomerNo, `Default customer of the ship-to country ${shipIso}.`);
  }
  const shopDefault = s.defaultCustomerNo && ctx.erp.has(s.defaultCustomerNo) ? s.defaultCustomerNo : "";
  if (s.customerImport !== "none") {
    // A customer Shopify has deleted (customers/delete came first): its late order must not bring the mirror back or
    // link it again; the order is resolved like a guest order, by its email and phone.
    const deleted = order.customer ? (await ctx.db.mirrorCustomer.count({ where: { shop: ctx.shop, shopifyId: order.customer.id, deletedInShopify: true } })) > 0 : false;
    if (order.customer && !deleted) {
      const no = await resolveCustomer(ctx, order.customer, order.billingAddress);
      if (no) return no;
    } else {
      const m = byEmailPhone(ctx, { customer: guestCustomer(order), purpose: "order" });
      if (m) {
        if (m.others?.length) {
          ctx.log.add("ambiguousMatch", `Guest order ${order.name || order.id}: several ERP customers matched by ${m.how}; ${m.erpCustomerNo} (the lowest number) was taken over ${m.others.join(", ")}.`, { erpCustomerNo: m.erpCustomerNo });
        }
        return both(m.erpCustomerNo, `Guest order matched ERP customer ${m.erpCustomerNo} by ${m.how}.`);
      }
    }
  }
  if (shopDefault) {
    const why = s.customerImport === "none" ? "Customer import is off: the shop's default customer." : "No ERP customer matched: the shop's default customer.";
    return both(shopDefault, why);
  }
  const reason = order.customer
    ? "The order's customer matches no ERP customer and none could be created, and the shop has no default customer."
    : "Guest order: its email and phone match no ERP customer, and the shop has no default customer.";
  return { sellToCustomerNo: "", billToCustomerNo: "", status: "needsCustomer", reason };
}

/** Mirror and match the order's customer (creation allowed per §5); bill-to may come from an address link. */
async function resolveCustomer(ctx: SyncContext, customer: ShopifyCustomer, billTo: OrderAddress | null): Promise<Resolution | null> {
  const mirrors = await loadMirrors(ctx.db, ctx.shop, [customer.id]);
  const existing = mirrors.get(customer.id);
  // A later order from an address linked by bill-to matching goes to that address's customer.
  let billToNo = "";
  if (billTo && existing) {
    const linkedAddress = existing.addresses.find((a) => a.erpCustomerNo && ctx.erp.has(a.erpCustomerNo) && sameAddress(addressFromMirror(a), billTo));
    if (linkedAddress) billToNo = linkedAddress.erpCustomerNo;
  }
  const out = await processCustomer(ctx, customer, existing, { purpose: "order", billTo, force: !existing?.erpCustomerNo });
  const failed = await commit(ctx, [out.work]);
  // A customer whose record could not be saved is no customer for the order (it would point at nothing).
  if (!out.erpCustomerNo || failed.length) return null;
  return {
    sellToCustomerNo: out.erpCustomerNo,
    billToCustomerNo: billToNo || out.erpCustomerNo,
    status: "mapped",
    reason: `The order's customer is linked to ERP customer ${out.erpCustomerNo}.`,
  };
}

const json = (a: OrderAddress | null) => JSON.stringify(a ?? {});

/**
 * Shopify delivers webhooks late and out of order, and "Import orders" may already have stored a newer version: an
 * incoming order whose `updatedAt` is older than the stored one is stale. Whole seconds, as for customers (webhook
 * payloads carry seconds only); without a timestamp on either side nothing is stale.
 */
function isStaleOrder(order: ShopifyOrder, storedUpdatedAt: Date | null | undefined): boolean {
  if (!storedUpdatedAt || !order.updatedAt) return false;
  const incoming = Date.parse(order.updatedAt);
  if (Number.isNaN(incoming)) return false;
  return Math.floor(incoming / 1000) < Math.floor(storedUpdatedAt.getTime() / 1000);
}

/** Store one order with its customers resolved. */
export async function processOrder(ctx: SyncContext, incoming: ShopifyOrder): Promise<Resolution> {
  // An order whose customer's data was erased (customers/redact), or one the redaction listed, is stored without the
  // customer's data, as the redaction left the orders it found: a late delivery or a catch-up must not bring it back.
  const redacted = await isRedactedOrder(ctx.db, ctx.shop, incoming.id, incoming.customer?.id ?? incoming.customerId);
  const order: ShopifyOrder = redacted ? { ...incoming, email: "", phone: "", customer: null, customerId: null, billingAddress: null, shippingAddress: null } : incoming;
  const existing = await ctx.db.importedOrder.findUnique({ where: { shop_shopifyId: { shop: ctx.shop, shopifyId: order.id } } });
  // Fix (ordering rule, as for customers): a late orders/create carrying the order as it was at creation used to
  // overwrite the newer order the catch-up had stored — its email and addresses, and the customer resolved from them.
  // A stale order changes nothing; the stored order and its customers stand.
  if (existing && isStaleOrder(order, existing.orderUpdatedAt)) {
    return {
      sellToCustomerNo: existing.sellToCustomerNo,
      billToCustomerNo: existing.billToCustomerNo,
      status: existing.status === "needsCustomer" ? "needsCustomer" : "mapped",
      reason: existing.reason,
    };
  }
  let r: Resolution;
  if (existing?.manual) {
    r = { sellToCustomerNo: existing.sellToCustomerNo, billToCustomerNo: existing.billToCustomerNo, status: "mapped", reason: existing.reason };
  } else {
    r = await resolve(ctx, order);
    if (redacted && r.status === "needsCustomer") r.reason = "The order's customer had their data erased (customers/redact): pick the customer by hand.";
    if (r.status === "needsCustomer") {
      ctx.log.add("noDefaultCustomer", `Order ${order.name || order.id} needs a customer: ${r.reason}`, { shopifyCustomerId: order.customer?.id });
    }
  }
  const data = {
    name: order.name,
    email: order.email,
    phone: order.phone,
    shopifyCustomerId: order.customer?.id ?? order.customerId ?? "",
    sellTo: json(order.shippingAddress),
    shipTo: json(order.shippingAddress),
    billTo: json(order.billingAddress),
    sellToCustomerNo: r.sellToCustomerNo,
    billToCustomerNo: r.billToCustomerNo,
    status: r.status,
    reason: r.reason,
    orderCreatedAt: order.createdAt ? new Date(order.createdAt) : null,
    orderUpdatedAt: order.updatedAt ? new Date(order.updatedAt) : null,
  };
  await ctx.db.importedOrder.upsert({
    where: { shop_shopifyId: { shop: ctx.shop, shopifyId: order.id } },
    create: { shop: ctx.shop, shopifyId: order.id, ...data },
    update: data,
  });
  await ctx.log.flush();
  return r;
}

/** "Import orders": the catch-up for deliveries the webhook missed, orders updated since the last import. */
export async function importOrders(deps: { db: PrismaClient; shop: string; gateway: ShopifyGateway }, o: { trigger: RunTrigger }): Promise<RunSummary> {
  const { db, shop, gateway } = deps;
  const run = await startRun(db, shop, "importOrders", o.trigger);
  const ctx = await loadContext(db, shop, gateway, run.id);
  try {
    const row = await db.shopSettings.findUnique({ where: { shop } });
    const since = row?.orderWatermark ? new Date(row.orderWatermark.getTime() - WATERMARK_OVERLAP_MS) : null;
    for await (const page of ordersPaged(gateway, updatedSinceQuery(since))) {
      for (const order of page) {
        ctx.counts.read++;
        try {
          await processOrder(ctx, order);
        } catch (e) {
          if ((e as any)?.code === "authRequired" || (e as any)?.code === "apiError") throw e;
          ctx.counts.failed++;
          ctx.log.add("internal", `Order ${order.name || order.id} could not be imported: ${(e as Error).message}`);
        }
      }
    }
    await db.shopSettings.upsert({ where: { shop }, create: { shop, orderWatermark: run.startedAt }, update: { orderWatermark: run.startedAt } });
    return await finishRun(ctx, run.id);
  } catch (e) {
    return await finishRun(ctx, run.id, e);
  }
}

/** A person picks the customer of an order; it is never overwritten afterwards. */
export async function assignOrderCustomer(db: PrismaClient, shop: string, shopifyOrderId: string, erpCustomerNo: string, billToCustomerNo?: string) {
  const c = await db.erpCustomer.findUnique({ where: { shop_no: { shop, no: erpCustomerNo } } });
  if (!c) throw new Error(`There is no ERP customer ${erpCustomerNo}.`);
  return db.importedOrder.update({
    where: { shop_shopifyId: { shop, shopifyId: shopifyOrderId } },
    data: { sellToCustomerNo: erpCustomerNo, billToCustomerNo: billToCustomerNo || erpCustomerNo, status: "mapped", manual: true, reason: "Customer chosen by hand." },
  });
}
