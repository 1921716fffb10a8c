// The mirror: the app's copy of each Shopify customer and its addresses, with the link to an ERP customer.
import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { keylessAddressId } from "../shopify/adapters";
import type { ShopifyAddress, ShopifyCustomer } from "../shopify/types";
import { LogWriter, type SyncContext } from "./context";
import { writeOps } from "./unit-of-work";

export type MirrorRow = Prisma.MirrorCustomerGetPayload<{}>;
export type MirrorAddressRow = Prisma.MirrorAddressGetPayload<{}>;
export interface MirrorWithAddresses extends MirrorRow {
  addresses: MirrorAddressRow[];
}

const ADDRESS_KEYS = ["company", "firstName", "lastName", "address1", "address2", "zip", "city", "countryCode", "provinceCode", "phone"] as const;

/** A hash of the content a person can change (not timestamps), the same from GraphQL and REST payloads. */
export function contentHash(c: ShopifyCustomer): string {
  const h = createHash("sha256");
  h.update([c.firstName, c.lastName, c.email.toLowerCase(), c.phone].join("\u0001"));
  const list = [...(c.addresses ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const a of list) h.update("\u0002" + [a.id, ...ADDRESS_KEYS.map((k) => a[k])].join("\u0001"));
  h.update("\u0003" + (c.defaultAddressId ?? ""));
  return h.digest("base64url").slice(0, 22);
}

/** The mirror as a ShopifyCustomer (for matching a customer that did not change in Shopify). */
export function customerFromMirror(m: MirrorWithAddresses): ShopifyCustomer {
  return {
    id: m.shopifyId,
    firstName: m.firstName,
    lastName: m.lastName,
    email: m.email,
    phone: m.phone,
    state: m.state,
    note: m.note,
    tags: m.tags ? m.tags.split(", ") : [],
    taxExempt: m.taxExempt,
    verifiedEmail: m.verifiedEmail,
    emailMarketingState: m.emailMarketingState,
    createdAt: m.createdAt?.toISOString() ?? null,
    updatedAt: m.updatedAt?.toISOString() ?? null,
    addresses: [...m.addresses].sort((a, b) => a.position - b.position).map(addressFromMirror),
    addressesComplete: true,
    defaultAddressId: m.defaultAddressId || null,
  };
}

export function addressFromMirror(a: MirrorAddressRow): ShopifyAddress {
  return {
    id: a.shopifyId,
    company: a.company,
    firstName: a.firstName,
    lastName: a.lastName,
    address1: a.address1,
    address2: a.address2,
    zip: a.zip,
    city: a.city,
    countryCode: a.countryCode,
    countryName: a.countryName,
    provinceCode: a.provinceCode,
    provinceName: a.provinceName,
    phone: a.phone,
  };
}

export async function loadMirrors(db: PrismaClient, shop: string, ids: string[]): Promise<Map<string, MirrorWithAddresses>> {
  const out = new Map<string, MirrorWithAddresses>();
  if (!ids.length) return out;
  const [rows, addresses] = await Promise.all([
    db.mirrorCustomer.findMany({ where: { shop, shopifyId: { in: ids } } }),
    db.mirrorAddress.findMany({ where: { shop, customerShopifyId: { in: ids } } }),
  ]);
  for (const r of rows) out.set(r.shopifyId, { ...r, addresses: [] });
  for (const a of addresses) out.get(a.customerShopifyId)?.addresses.push(a);
  return out;
}

/** A Shopify timestamp as a Date; a missing or malformed one is null (never an Invalid Date that fails a write). */
export function toDate(s: string | null | undefined): Date | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Addresses with keys the mirror can store: one without an id gets its keyless key (see `keylessAddressId`), and an
 * id listed twice is one address (the first is kept). Two rows with one key would fail the customer's whole write.
 */
function keyed(customerId: string, list: ShopifyAddress[]): ShopifyAddress[] {
  const seen = new Set<string>();
  const out: ShopifyAddress[] = [];
  list.forEach((a, i) => {
    const id = a.id || keylessAddressId(customerId, i);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(id === a.id ? a : { ...a, id });
  });
  return out;
}

/**
 * The mirror row and address rows after applying a Shopify customer to what is stored. Addresses: a payload
 * without a list keeps the stored ones; a complete list replaces them; a partial list (an order's customer block
 * with only its default address) updates those it names. Address links are carried over by address id.
 */
export function nextMirror(
  shop: string,
  c: ShopifyCustomer,
  existing: MirrorWithAddresses | undefined,
): { row: Omit<MirrorRow, "mirroredAt">; addresses: MirrorAddressRow[]; addressesChanged: boolean } {
  const oldAddresses = existing?.addresses ?? [];
  const oldById = new Map(oldAddresses.map((a) => [a.shopifyId, a]));
  let defaultAddressId: string;
  if (c.defaultAddressId === undefined) defaultAddressId = existing?.defaultAddressId ?? "";
  else defaultAddressId = c.defaultAddressId ?? "";

  let list: ShopifyAddress[];
  const incoming = c.addresses === null ? null : keyed(c.id, c.addresses);
  if (incoming === null) list = oldAddresses.map(addressFromMirror);
  else if (!c.addressesComplete) {
    const given = new Map(incoming.map((a) => [a.id, a]));
    list = oldAddresses.map((a) => given.get(a.shopifyId) ?? addressFromMirror(a));
    for (const a of incoming) if (!oldById.has(a.id)) list.push(a);
  } else list = incoming;

  const addresses: MirrorAddressRow[] = list.map((a, i) => ({
    shop,
    shopifyId: a.id,
    customerShopifyId: c.id,
    position: i,
    company: a.company,
    firstName: a.firstName,
    lastName: a.lastName,
    address1: a.address1,
    address2: a.address2,
    zip: a.zip,
    city: a.city,
    countryCode: a.countryCode,
    countryName: a.countryName,
    provinceCode: a.provinceCode,
    provinceName: a.provinceName,
    phone: a.phone,
    isDefault: a.id === defaultAddressId,
    erpCustomerNo: oldById.get(a.id)?.erpCustomerNo ?? "",
  }));
  const full: ShopifyCustomer = { ...c, addresses: list, defaultAddressId: defaultAddressId || null };
  const row: Omit<MirrorRow, "mirroredAt"> = {
    shop,
    shopifyId: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    state: c.state,
    note: c.note,
    tags: c.tags.join(", "),
    taxExempt: c.taxExempt,
    verifiedEmail: c.verifiedEmail,
    emailMarketingState: c.emailMarketingState,
    defaultAddressId,
    createdAt: toDate(c.createdAt) ?? existing?.createdAt ?? null,
    updatedAt: toDate(c.updatedAt) ?? existing?.updatedAt ?? null,
    contentHash: contentHash(full),
    lastWrittenByApp: existing?.lastWrittenByApp ?? null,
    lastWrittenHash: existing?.lastWrittenHash ?? "",
    erpCustomerNo: existing?.erpCustomerNo ?? "",
    linkSource: existing?.linkSource ?? "",
    deletedInShopify: false,
    needsMatch: false,
    status: existing?.status ?? "",
    statusReason: existing?.statusReason ?? "",
    exportHash: existing?.exportHash ?? "",
  };
  const addressesChanged =
    addresses.length !== oldAddresses.length ||
    addresses.some((a) => {
      const o = oldById.get(a.shopifyId);
      return !o || ADDRESS_KEYS.some((k) => o[k] !== a[k]) || o.isDefault !== a.isDefault || o.position !== a.position || o.countryName !== a.countryName || o.provinceName !== a.provinceName;
    });
  return { row, addresses, addressesChanged };
}

/** The writes that store one mirror (row replaced, addresses replaced when they changed). */
export function mirrorWrites(
  db: PrismaClient,
  shop: string,
  row: Omit<MirrorRow, "mirroredAt">,
  addresses: MirrorAddressRow[],
  replaceAddresses: boolean,
): Prisma.PrismaPromise<unknown>[] {
  const ctx = { db, shop, numberSeries: { prefix: "", next: 0, width: 0 }, log: new LogWriter(db, shop, null) } as unknown as SyncContext;
  return writeOps(ctx, [{ mirror: { row, addresses, replaceAddresses }, logs: [] }]);
}

/** The mirror row of a stored mirror (without its addresses and bookkeeping columns). */
export function rowOf(m: MirrorWithAddresses): Omit<MirrorRow, "mirroredAt"> {
  const { addresses: _a, mirroredAt: _m, ...row } = m;
  return row;
}
