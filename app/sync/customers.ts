// One Shopify customer through the sync (spec §3 step 3 – §6): mirror, echo check, link or match, then create or
// update the ERP customer. Decisions in memory (an update reads the ERP record, see `recordsToRead`); the database
// writes are returned as a RecordWork.
import type { ErpCustomer } from "../erp/fields";
import { emptyErpCustomer } from "../erp/fields";
import { isDeliveredCopy } from "../shopify/adapters";
import { getCustomer } from "../shopify/operations";
import type { ShopifyCustomer } from "../shopify/types";
import { levelOf, type LogCode } from "./codes";
import { companyIso, nextCustomerNo, type LogEntry, type SyncContext } from "./context";
import { billToAddress, changedFields, fieldsFromShopify, type FieldNote } from "./erp-fields";
import { strategyFor, type MatchResult } from "./matching";
import { customerFromMirror, nextMirror, type MirrorAddressRow, type MirrorWithAddresses } from "./mirror";
import type { RecordWork } from "./unit-of-work";
import type { OrderAddress } from "../shopify/types";

export interface CustomerOutcome {
  /** The ERP customer the Shopify customer is linked to after processing ("" when none). */
  erpCustomerNo: string;
  /** What happened, for callers that report it. */
  action: "unchanged" | "echo" | "ignored" | "linked" | "created" | "updated" | "kept" | "skipped" | "mirrored";
  work: RecordWork;
}

export interface ProcessOptions {
  purpose: "sync" | "order";
  /** Orders: the billing address, for byBillToInfo. */
  billTo?: OrderAddress | null;
  /** Process even when the mirror shows no change (a link cleared at deletion, a forced refresh). */
  force?: boolean;
}

function entry(code: LogCode, message: string, shopifyCustomerId: string, erpCustomerNo?: string): LogEntry {
  return { level: levelOf(code), code, message, shopifyCustomerId, erpCustomerNo };
}

export function isUnchanged(c: ShopifyCustomer, existing: MirrorWithAddresses | undefined): boolean {
  if (!existing || existing.needsMatch || existing.deletedInShopify) return false;
  const at = c.updatedAt ? Date.parse(c.updatedAt) : NaN;
  if (!Number.isNaN(at) && existing.updatedAt) return at <= existing.updatedAt.getTime() && sameContent(c, existing);
  return sameContent(c, existing);
}

/**
 * A timestamp in ms and the precision it is known to: whole seconds when it has no milliseconds (webhook payloads
 * always; Shopify's GraphQL DateTime prints seconds too, e.g. "2019-09-07T15:50:00Z"), else milliseconds.
 */
function instant(ms: number): { ms: number; unit: 1 | 1000 } {
  return { ms, unit: ms % 1000 === 0 ? 1000 : 1 };
}

/**
 * The incoming version against the mirror's, compared at the precision both have (the coarser one): -1 older,
 * 0 the same instant as far as both tell, 1 newer; null without a timestamp on either side.
 */
export function compareVersions(c: ShopifyCustomer, existing: MirrorWithAddresses | undefined): -1 | 0 | 1 | null {
  if (!existing?.updatedAt || !c.updatedAt) return null;
  const parsed = Date.parse(c.updatedAt);
  if (Number.isNaN(parsed)) return null;
  const a = instant(parsed);
  const b = instant(existing.updatedAt.getTime());
  const unit = Math.max(a.unit, b.unit);
  const x = Math.floor(a.ms / unit);
  const y = Math.floor(b.ms / unit);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Shopify delivers webhooks late and out of order: an incoming customer whose `updatedAt` is older than the mirror's
 * is stale. Compared at the precision both sides have (see `compareVersions`): webhook payloads carry seconds only
 * while a mirror may hold milliseconds, and the same version must never look older than itself. Without a timestamp
 * on either side nothing is stale.
 */
export function isStale(c: ShopifyCustomer, existing: MirrorWithAddresses | undefined): boolean {
  return compareVersions(c, existing) === -1;
}

/**
 * A webhook's copy of the customer stamped with the same instant as the mirror (to the second) but with other
 * content: two changes within one second, and the payload cannot tell which is newer (deliveries come in any order).
 */
export function isUndecidableTie(c: ShopifyCustomer, existing: MirrorWithAddresses | undefined): boolean {
  return Boolean(existing) && !existing!.deletedInShopify && isDeliveredCopy(c) && compareVersions(c, existing) === 0 && !sameContent(c, existing!);
}

/** Why the tie could not be settled, as the log and the job's retry show it. */
function tieMessage(c: ShopifyCustomer, why: string): string {
  const second = c.updatedAt ? new Date(Date.parse(c.updatedAt)).toISOString().slice(0, 19).replace("T", " ") : "?";
  return (
    `Shopify sent two different versions of the customer changed in the same second (${second} UTC); the app reads ` +
    `the customer from Shopify to know which is current, and ${why}. The stored data is kept and the delivery is processed again.`
  );
}

/**
 * Settle a tie (see `isUndecidableTie`) with what Shopify holds now: one exact read of the customer, only for a
 * webhook delivery (a Sync's customers are themselves a read and never come here). Null: Shopify no longer has the
 * customer (its customers/delete marks the mirror). Throws when Shopify cannot be read, so the job is retried with
 * the stored data kept. A caller without a gateway gets the delivery back: it is applied as it is (the order it came in).
 */
async function currentInShopify(ctx: SyncContext, c: ShopifyCustomer): Promise<ShopifyCustomer | null> {
  if (!ctx.gateway) return c;
  try {
    return await getCustomer(ctx.gateway, c.id);
  } catch (e) {
    throw new Error(tieMessage(c, `Shopify could not be read (${(e as Error).message})`));
  }
}

function sameContent(c: ShopifyCustomer, existing: MirrorWithAddresses): boolean {
  return nextMirror(existing.shop, c, existing).row.contentHash === existing.contentHash;
}

export async function processCustomer(
  ctx: SyncContext,
  c: ShopifyCustomer,
  existing: MirrorWithAddresses | undefined,
  o: ProcessOptions,
): Promise<CustomerOutcome> {
  const { shop, settings } = ctx;
  const logs: LogEntry[] = [];
  const undo: Array<() => void> = [];
  const work: RecordWork = { shopifyCustomerId: c.id, logs, rollback: () => undo.reverse().forEach((f) => f()) };

  // Without an id the customer cannot be mirrored or told apart from another: refuse it, write nothing.
  if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(c.id)) {
    ctx.counts.failed++;
    logs.push(entry("internal", `Shopify sent a customer without a valid id (${JSON.stringify(c.id).slice(0, 60)}); it was ignored.`, ""));
    return { erpCustomerNo: "", action: "skipped", work };
  }
  // Fix (ordering rule): an older customers/update delivered after a newer one used to overwrite the mirror and,
  // with shopifyCanUpdateCustomers, the ERP customer with the older data. A stale customer is now ignored; when the
  // caller forces processing (an order's customer, a link to match again) the stored, newer data is used instead.
  // Fix (same second): two changes within one second give two payloads with one updated_at (whole seconds); the
  // older one, delivered last, used to win. Neither payload can tell which is newer, so a customers/create|update
  // delivery reads the customer from Shopify and applies what Shopify has now. An order's copy of its customer is
  // not worth a read: the stored data is used (the customer's own customers/update delivery settles it).
  if (existing && isUndecidableTie(c, existing)) {
    if (o.purpose === "order") {
      if (!o.force) return { erpCustomerNo: existing.erpCustomerNo, action: "ignored", work };
      c = customerFromMirror(existing);
    } else {
      const current = await currentInShopify(ctx, c);
      if (!current) return { erpCustomerNo: existing.erpCustomerNo, action: "ignored", work };
      c = current;
    }
  } else if (existing && isStale(c, existing)) {
    if (!o.force) return { erpCustomerNo: existing.erpCustomerNo, action: "ignored", work };
    c = customerFromMirror(existing);
  }

  if (!o.force && isUnchanged(c, existing)) {
    return { erpCustomerNo: existing?.erpCustomerNo ?? "", action: "unchanged", work };
  }

  const next = nextMirror(shop, c, existing);
  const row = next.row;
  const addresses = next.addresses;

  // Echo: the content equals what the app itself last wrote to Shopify.
  if (existing && existing.lastWrittenHash && existing.lastWrittenHash === row.contentHash && !existing.needsMatch) {
    row.lastWrittenHash = "";
    work.mirror = { row, addresses, replaceAddresses: next.addressesChanged };
    logs.push(entry("echoIgnored", "Shopify reported the app's own change; nothing to do.", c.id, row.erpCustomerNo));
    return { erpCustomerNo: row.erpCustomerNo, action: "echo", work };
  }

  let action: CustomerOutcome["action"] = "mirrored";
  let linkNo = row.erpCustomerNo;
  if (linkNo && !ctx.erp.has(linkNo)) {
    logs.push(entry("staleLinkCleared", `The linked ERP customer ${linkNo} no longer exists; the link was cleared.`, c.id, linkNo));
    linkNo = "";
    row.erpCustomerNo = "";
    row.linkSource = "";
    for (const a of addresses) if (a.erpCustomerNo === existing?.erpCustomerNo) a.erpCustomerNo = "";
    next.addressesChanged = true;
  }

  const canUpdateErp = settings.shopifyCanUpdateCustomers && settings.customerImport !== "none";
  if (linkNo) {
    action = "kept";
    if (canUpdateErp) action = (await updateErp(ctx, c, linkNo, work, undo)) ? "updated" : "kept";
  } else if (settings.customerImport !== "none" || o.purpose === "order") {
    const match = strategyFor(settings.customerMappingType)(ctx, { customer: c, billTo: o.billTo, purpose: o.purpose });
    if (match) {
      linkNo = match.erpCustomerNo;
      row.erpCustomerNo = linkNo;
      row.linkSource = "matched";
      ctx.counts.linked++;
      action = "linked";
      logs.push(entry("linked", describeMatch(match), c.id, linkNo));
      if (match.others?.length) {
        logs.push(entry("ambiguousMatch", `Several ERP customers matched; ${linkNo} (the lowest number) was taken over ${match.others.join(", ")}.`, c.id, linkNo));
      }
      if (match.addressId) linkAddress(addresses, match.addressId, linkNo, next);
      if (canUpdateErp && (await updateErp(ctx, c, linkNo, work, undo))) action = "updated";
    } else if (settings.autoCreateUnknownCustomers && settings.customerImport !== "none" && settings.customerMappingType !== "defaultCustomer") {
      // (defaultCustomer mapping: Sync mirrors but links and creates none; orders go to the default customer.)
      const created = createErp(ctx, c, addresses, work, undo);
      if (created) {
        linkNo = created.no;
        row.erpCustomerNo = linkNo;
        row.linkSource = "created";
        action = "created";
        if (created.addressId) linkAddress(addresses, created.addressId, linkNo, next);
      } else {
        action = "skipped";
      }
    }
  }

  work.mirror = { row, addresses, replaceAddresses: next.addressesChanged };
  work.erpCustomerNo = linkNo || undefined;
  return { erpCustomerNo: linkNo, action, work };
}

/**
 * The ERP customers whose records processing these customers will read: only updates from Shopify read them, for
 * the customer's link or what it matches (with the other candidates, in case the page changes which one wins).
 * A page reads them in one query; a record not named here is read on its own when needed.
 */
export function recordsToRead(ctx: SyncContext, customers: Array<{ c: ShopifyCustomer; existing?: MirrorWithAddresses }>, o: ProcessOptions): string[] {
  const s = ctx.settings;
  if (!s.shopifyCanUpdateCustomers || s.customerImport === "none") return [];
  const nos: string[] = [];
  for (const { c, existing } of customers) {
    const linked = existing?.erpCustomerNo;
    if (linked && ctx.erp.has(linked)) {
      nos.push(linked);
      continue;
    }
    try {
      const match = strategyFor(s.customerMappingType)(ctx, { customer: c, billTo: o.billTo, purpose: o.purpose });
      if (match) nos.push(match.erpCustomerNo, ...(match.others ?? []));
    } catch {
      // processing the customer reports it
    }
  }
  return nos;
}

function linkAddress(addresses: MirrorAddressRow[], addressId: string, no: string, next: { addressesChanged: boolean }) {
  const a = addresses.find((x) => x.shopifyId === addressId);
  if (a && a.erpCustomerNo !== no) {
    a.erpCustomerNo = no;
    next.addressesChanged = true;
  }
}

function describeMatch(m: MatchResult): string {
  switch (m.how) {
    case "email":
      return `Linked to ERP customer ${m.erpCustomerNo} by email.`;
    case "phone":
      return `Linked to ERP customer ${m.erpCustomerNo} by phone.`;
    case "billTo":
      return `Linked to ERP customer ${m.erpCustomerNo} by bill-to name and address.`;
    default:
      return `Linked to the default customer ${m.erpCustomerNo}.`;
  }
}

function notesToLogs(notes: FieldNote[], id: string, no: string): LogEntry[] {
  return notes.map((n) => entry(n.code, n.message, id, no));
}

/** Update a linked ERP customer from Shopify (shopifyCanUpdateCustomers). Returns whether anything changed. */
async function updateErp(ctx: SyncContext, c: ShopifyCustomer, no: string, work: RecordWork, undo: Array<() => void>): Promise<boolean> {
  const logs = work.logs;
  const current = await ctx.erp.get(no);
  if (!current) return false;
  const { fields, notes } = fieldsFromShopify(ctx, c, billToAddress(c), "update");
  const changed = changedFields(current, fields);
  if (!Object.keys(changed).length) return false;
  const updated: ErpCustomer = { ...current, ...changed };
  ctx.erp.add(updated);
  undo.push(() => ctx.erp.add(current));
  (work.erpUpdate ??= []).push({ no, data: changed });
  logs.push(...notesToLogs(notes, c.id, no));
  logs.push(entry("updated", `ERP customer ${no} updated from Shopify: ${Object.keys(changed).join(", ")}.`, c.id, no));
  ctx.counts.updated++;
  return true;
}

/** Create an ERP customer (spec §5). Returns the new number and the address used, or null when skipped. */
function createErp(
  ctx: SyncContext,
  c: ShopifyCustomer,
  addresses: MirrorAddressRow[],
  work: RecordWork,
  undo: Array<() => void>,
): { no: string; addressId: string | null } | null {
  const s = ctx.settings;
  const logs = work.logs;
  const used = billToAddress({ addresses: addresses.map((a) => ({ ...a, id: a.shopifyId })), defaultAddressId: addresses.find((a) => a.isDefault)?.shopifyId ?? null });
  const address = used
    ? c.addresses?.find((a) => a.id === used.shopifyId) ?? {
        id: used.shopifyId, company: used.company, firstName: used.firstName, lastName: used.lastName, address1: used.address1,
        address2: used.address2, zip: used.zip, city: used.city, countryCode: used.countryCode, countryName: used.countryName,
        provinceCode: used.provinceCode, provinceName: used.provinceName, phone: used.phone,
      }
    : null;
  if (!address && !s.createCustomersWithoutAddress) {
    ctx.counts.skipped++;
    logs.push(entry("noAddress", "The Shopify customer has no address; it is created when it gets one (or turn on Create customers without address).", c.id));
    return null;
  }
  // Without any address the customer is in the company's country; an address without a country uses the shop template.
  const iso = address ? address.countryCode.toUpperCase() : companyIso(ctx);
  const setupTemplate = iso ? ctx.countrySetup.get(iso)?.customerTemplateCode ?? "" : "";
  const templateCode = setupTemplate || s.customerTemplateCode;
  if (!templateCode) {
    ctx.counts.skipped++;
    logs.push(entry("noTemplate", `No customer template for country ${iso || "(none)"} and no shop template: the customer was not created.`, c.id));
    return null;
  }
  const template = ctx.templates.get(templateCode.toUpperCase());
  if (!template) {
    ctx.counts.skipped++;
    logs.push(entry("noTemplate", `The customer template "${templateCode}" does not exist: the customer was not created.`, c.id));
    return null;
  }
  const { fields, notes } = fieldsFromShopify(ctx, c, address, "create");
  const no = nextCustomerNo(ctx);
  const customer: ErpCustomer = {
    ...emptyErpCustomer(no),
    templateCode: template.code,
    genBusPostingGroup: template.genBusPostingGroup,
    customerPostingGroup: template.customerPostingGroup,
    vatBusPostingGroup: template.vatBusPostingGroup,
    paymentTermsCode: template.paymentTermsCode,
    taxAreaCode: template.taxAreaCode,
    ...fields,
  };
  if (!address && !customer.countryCode) customer.countryCode = ctx.company.countryCode;
  ctx.erp.add(customer);
  undo.push(() => ctx.erp.remove(no));
  (work.erpCreate ??= []).push(customer);
  work.numberSeriesNext = ctx.numberSeries.next;
  logs.push(...notesToLogs(notes, c.id, no));
  logs.push(entry("created", `ERP customer ${no} created from Shopify with template ${template.code}.`, c.id, no));
  ctx.counts.created++;
  return { no, addressId: address?.id ?? null };
}
