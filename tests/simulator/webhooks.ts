// Webhook payloads in Shopify's REST shape (as of webhook API version 2026-07) and signed delivery.
import { createHmac, randomUUID } from "node:crypto";
import { type Address, type Customer, type Order, type ShopState, gidNum } from "./model.js";

/** Shopify prints webhook timestamps with the shop's offset; the simulator's shops run on UTC. */
const ts = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function restAddress(a: Address, customerNum?: number, isDefault?: boolean) {
  return {
    id: gidNum(a.id), ...(customerNum != null ? { customer_id: customerNum } : {}),
    first_name: a.firstName, last_name: a.lastName, company: a.company, address1: a.address1, address2: a.address2,
    city: a.city, province: a.province, country: a.country, zip: a.zip, phone: a.phone,
    name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
    province_code: a.provinceCode, country_code: a.countryCodeV2, country_name: a.country,
    ...(isDefault != null ? { default: isDefault } : {}),
  };
}

const orderAddress = (a: Address) => ({
  first_name: a.firstName, address1: a.address1, phone: a.phone, city: a.city, zip: a.zip, province: a.province,
  country: a.country, last_name: a.lastName, address2: a.address2, company: a.company, latitude: null, longitude: null,
  name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null, country_code: a.countryCodeV2, province_code: a.provinceCode,
});

/** customers/create, customers/update: no tags or marketing consent since webhook version 2025-01. */
export function customerPayload(c: Customer, opts: { withAddresses?: boolean } = {}) {
  const def = c.addresses.find((a) => a.id === c.defaultAddressId) ?? null;
  return {
    id: c.num, created_at: ts(c.createdAt), updated_at: ts(c.updatedAt), first_name: c.firstName, last_name: c.lastName,
    state: c.state.toLowerCase(), note: c.note, verified_email: c.verifiedEmail, multipass_identifier: null,
    tax_exempt: c.taxExempt, email: c.email, phone: c.phone, currency: "EUR",
    ...(opts.withAddresses === false ? {} : { addresses: c.addresses.map((a) => restAddress(a, c.num, a.id === c.defaultAddressId)) }),
    tax_exemptions: [], admin_graphql_api_id: c.id,
    ...(def ? { default_address: restAddress(def, c.num, true) } : {}),
  };
}

export function orderPayload(o: Order, shop: ShopState) {
  const c = o.customerId ? shop.customers.get(o.customerId) : undefined;
  const customer = c ? (() => { const { addresses: _a, ...rest } = customerPayload(c); return rest; })() : undefined;
  return {
    id: o.num, admin_graphql_api_id: o.id, name: o.name, email: o.email, contact_email: o.email, phone: o.phone,
    created_at: ts(o.createdAt), updated_at: ts(o.updatedAt), processed_at: ts(o.processedAt),
    number: Number(String(o.name).replace(/\D/g, "")) || o.num, order_number: Number(String(o.name).replace(/\D/g, "")) || o.num,
    currency: o.currencyCode, total_price: o.totalPrice, note: o.note, tags: o.tags.join(", "), test: false,
    financial_status: "paid", fulfillment_status: null, source_name: "web",
    billing_address: o.billingAddress ? orderAddress(o.billingAddress) : null,
    shipping_address: o.shippingAddress ? orderAddress(o.shippingAddress) : null,
    ...(customer ? { customer } : {}),
    line_items: o.lineItems ?? [],
  };
}

export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export interface DeliveryOptions {
  url: string; topic: string; shop: string; apiVersion: string; secret: string; body: string;
  webhookId?: string; eventId?: string; triggeredAt?: string;
  retryDelaysMs: number[]; timeoutMs: number;
  log?: (e: DeliveryRecord) => void;
}
export interface DeliveryRecord { topic: string; shop: string; url: string; webhookId: string; eventId: string; attempt: number; status: number; error?: string }

/** POSTs one webhook like Shopify; retries non-2xx / network errors on the (compressed) schedule. */
export async function deliver(o: DeliveryOptions): Promise<{ status: number; attempts: number }> {
  const webhookId = o.webhookId ?? randomUUID();
  const eventId = o.eventId ?? randomUUID();
  const headers = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": o.topic,
    "X-Shopify-Hmac-Sha256": signWebhook(o.body, o.secret),
    "X-Shopify-Shop-Domain": o.shop,
    "X-Shopify-API-Version": o.apiVersion,
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": eventId,
    "X-Shopify-Triggered-At": o.triggeredAt ?? new Date().toISOString(),
    "User-Agent": "Shopify-Captain-Hook",
  };
  let status = 0;
  for (let attempt = 0; attempt <= o.retryDelaysMs.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, o.retryDelaysMs[attempt - 1]));
    let error: string | undefined;
    try {
      const res = await fetch(o.url, { method: "POST", headers, body: o.body, signal: AbortSignal.timeout(o.timeoutMs) });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      status = 0; error = (e as Error).message;
    }
    o.log?.({ topic: o.topic, shop: o.shop, url: o.url, webhookId, eventId, attempt: attempt + 1, status, error });
    if (status >= 200 && status < 300) return { status, attempts: attempt + 1 };
  }
  return { status, attempts: o.retryDelaysMs.length + 1 };
}
