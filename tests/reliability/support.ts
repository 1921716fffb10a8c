// Shared helpers of the reliability tests: a shop seeded the same way in every file, signed webhook requests sent
// to the app server's webhook path (so the same request can be POSTed several times at once), row counts of every table,
// and a drain of the app's job queue.
import { randomUUID } from "node:crypto";
import { signWebhook } from "../simulator/webhooks";
import { API_SECRET, type Harness, removeDatabase } from "../support/app-harness";

export const gid = (n: number) => `gid://shopify/Customer/${n}`;
export const addressGid = (n: number) => `gid://shopify/MailingAddress/${n}`;

/** A Swedish customer in the simulator's seed shape. */
export function seCustomer(n: number, o: { first?: string; last?: string; email?: string | null; city?: string; updatedAt?: string; address1?: string } = {}) {
  const first = o.first ?? `Förnamn${n}`;
  const last = o.last ?? `Efternamn${n}`;
  return {
    id: gid(n),
    firstName: first,
    lastName: last,
    defaultEmailAddress: o.email === null ? null : { emailAddress: o.email ?? `kund${n}@example.test` },
    addresses: [{ id: addressGid(n), firstName: first, lastName: last, address1: o.address1 ?? `Storgatan ${n}`, zip: "111 22", city: o.city ?? "Stockholm", countryCodeV2: "SE" }],
    ...(o.updatedAt ? { updatedAt: o.updatedAt } : {}),
  };
}

/** Settings, company, countries, a template, a number series and the offline session of one shop. */
export async function seedShop(h: Harness, shop: string, settings: Record<string, unknown> = {}) {
  const db = h.app.prisma;
  await h.addSession(shop);
  await h.app.settings.saveSettings(db, shop, {
    ...h.app.settings.DEFAULT_SETTINGS,
    customerImport: "allCustomers",
    customerMappingType: "byEmailPhone",
    autoCreateUnknownCustomers: true,
    customerTemplateCode: "RETAIL",
    ...settings,
  });
  await db.companyInformation.create({ data: { shop, name: "Tillförlitlig AB", countryCode: "SE" } });
  for (const [code, name] of [["SE", "Sweden"], ["DE", "Germany"], ["DK", "Denmark"], ["US", "United States"], ["GB", "United Kingdom"], ["FR", "France"], ["NL", "Netherlands"]]) {
    await db.erpCountry.create({ data: { shop, code, isoCode: code, name } });
  }
  await db.customerTemplate.create({ data: { shop, code: "RETAIL", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "30D" } });
  await db.numberSeries.create({ data: { shop, prefix: "C", next: 90001, width: 5 } });
}

export interface SignedWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
  webhookId: string;
  eventId: string;
}

/** A webhook request exactly as Shopify signs it (the simulator's signing function and the app's secret). */
export function signedWebhook(url: string, shop: string, topic: string, payload: unknown, o: { webhookId?: string; eventId?: string; secret?: string } = {}): SignedWebhook {
  const body = JSON.stringify(payload);
  const webhookId = o.webhookId ?? randomUUID();
  const eventId = o.eventId ?? randomUUID();
  return {
    url,
    body,
    webhookId,
    eventId,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": signWebhook(body, o.secret ?? API_SECRET),
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  };
}

/** POST a signed webhook (optionally with another body or headers, for tampering) and return the HTTP status. */
export async function post(w: SignedWebhook, o: { body?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const res = await fetch(w.url, { method: "POST", headers: { ...w.headers, ...(o.headers ?? {}) }, body: o.body ?? w.body });
  await res.arrayBuffer();
  return res.status;
}

/** Row counts of every table (optionally of one shop), by table name. */
export async function tableCounts(h: Harness, shop?: string): Promise<Record<string, number>> {
  const db = h.app.prisma;
  const tables = (await db.$queryRawUnsafe<Array<{ name: string }>>(
    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name",
  )).map((t) => t.name);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const rows = shop
      ? await db.$queryRawUnsafe<Array<{ n: bigint | number }>>(`SELECT COUNT(*) AS n FROM "${t}" WHERE shop = ?`, shop)
      : await db.$queryRawUnsafe<Array<{ n: bigint | number }>>(`SELECT COUNT(*) AS n FROM "${t}"`);
    out[t] = Number(rows[0].n);
  }
  return out;
}

/** Run the app's job queue until nothing is left to do (retries included, with compressed backoff). */
export async function drain(h: Harness) {
  await h.app.service.jobQueue({ backoffScale: 0.001 }).drain({ includeDelayed: true, timeoutMs: 20_000 });
}

export function removeDb(h: Harness | undefined) {
  if (!h) return;
  removeDatabase(h.dbFile);
}

/** POST a signed delivery through the app's webhook path, expect 200, and run the queue until it is done. */
export async function deliverAndDrain(h: Harness, shop: string, topic: string, payload: unknown): Promise<SignedWebhook> {
  const w = signedWebhook(h.webhookUrl, shop, topic, payload);
  const status = await post(w);
  if (status !== 200) throw new Error(`The ${topic} delivery was answered ${status}, not 200`);
  await drain(h);
  return w;
}

/** A customer created by webhook (mirror, addresses, ERP customer, log), then an order of theirs by webhook. */
export async function customerWithOrder(h: Harness, shop: string, customer: any, orderId: string) {
  h.sim.setCustomer(shop, customer);
  await deliverAndDrain(h, shop, "customers/create", h.sim.webhookPayload(shop, "customers/create", customer.id));
  const a = customer.addresses[0];
  h.sim.setOrder(shop, { id: orderId, email: customer.defaultEmailAddress?.emailAddress, phone: customer.defaultPhoneNumber?.phoneNumber, customer: { id: customer.id }, billingAddress: { ...a, id: undefined }, shippingAddress: { ...a, id: undefined } });
  await deliverAndDrain(h, shop, "orders/create", h.sim.webhookPayload(shop, "orders/create", orderId));
}
