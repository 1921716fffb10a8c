// ERP customers → Shopify (spec §7): "Add customers to Shopify", updates of linked customers, account invites.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { toErpCustomer, type ErpCustomer } from "../erp/fields";
import { isKeylessAddressId } from "../shopify/adapters";
import { ShopifyTimeoutError } from "../shopify/errors";
import type { ShopifyGateway } from "../shopify/gateway";
import {
  customerAddressUpsert,
  customerByIdentifier,
  customerCreate,
  customerIdByIdentifier,
  customerUpdate,
  getCustomer,
  sendAccountInvite,
  type CustomerInput,
  type MailingAddressInput,
  type UserError,
} from "../shopify/operations";
import type { ShopifyCustomer } from "../shopify/types";
import { loadContext, type SyncContext } from "./context";
import { provinceForCounty } from "./county";
import { firstEmail, isValidEmail } from "./email";
import { billToAddress } from "./erp-fields";
import { loadMirrors, mirrorWrites, nextMirror, type MirrorWithAddresses } from "./mirror";
import { exportNames } from "./names";
import { toE164 } from "./phone";
import { finishRun, startRun, type RunSummary, type RunTrigger } from "./runs";
import { clean, hasDigit } from "./text";
import type { LogCode } from "./codes";

export interface DesiredShopify {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address: Record<"company" | "firstName" | "lastName" | "address1" | "address2" | "zip" | "city" | "countryCode" | "provinceCode" | "phone", string>;
  /** Province left out because the county is not in the tax-area table. */
  countyNotFound: boolean;
}

type Check = { ok: true; desired: DesiredShopify } | { ok: false; code: LogCode; message: string };

/** The Shopify values an ERP customer should have, after the checks of §7.1 steps 1–4, in order. */
export function desiredFor(ctx: SyncContext, c: ErpCustomer, current?: { firstName: string; lastName: string } | null): Check {
  const email = firstEmail(c.email);
  if (!email) return { ok: false, code: "noEmail", message: `ERP customer ${c.no} has no email; Shopify needs one to add the customer.` };
  if (!isValidEmail(email)) return { ok: false, code: "invalidEmail", message: `"${email}" is not a valid email address.` };
  const countryCode = clean(c.countryCode) || ctx.company.countryCode;
  const country = ctx.countriesByCode.get(countryCode.toUpperCase());
  if (!country || !country.isoCode) {
    return { ok: false, code: "missingIsoCode", message: `Country ${countryCode || "(blank)"} has no ISO code in the country table.` };
  }
  const iso = country.isoCode;
  let phone = "";
  if (hasDigit(clean(c.phoneNo))) {
    const e164 = toE164(c.phoneNo, iso);
    if (!e164) return { ok: false, code: "invalidPhone", message: `"${clean(c.phoneNo)}" is not a valid phone number for ${iso}.` };
    phone = e164;
  }
  const province = provinceForCounty(ctx.taxAreas, iso, ctx.settings.countySource, c.county);
  const names = exportNames(ctx.settings, c, current);
  return {
    ok: true,
    desired: {
      firstName: names.firstName,
      lastName: names.lastName,
      email,
      phone,
      address: {
        company: names.company,
        firstName: names.firstName,
        lastName: names.lastName,
        address1: clean(c.address),
        address2: clean(c.address2),
        zip: clean(c.postCode),
        city: clean(c.city),
        countryCode: iso,
        provinceCode: province ?? "",
        phone,
      },
      countyNotFound: province === null,
    },
  };
}

function desiredHash(d: DesiredShopify): string {
  return createHash("sha256").update(JSON.stringify(d)).digest("base64url").slice(0, 22);
}

const blankToNull = (s: string) => (s ? s : null);

function addressInput(d: DesiredShopify): MailingAddressInput {
  const a = d.address;
  return {
    company: blankToNull(a.company),
    firstName: blankToNull(a.firstName),
    lastName: blankToNull(a.lastName),
    address1: blankToNull(a.address1),
    address2: blankToNull(a.address2),
    zip: blankToNull(a.zip),
    city: blankToNull(a.city),
    countryCode: a.countryCode,
    provinceCode: blankToNull(a.provinceCode),
    phone: blankToNull(a.phone),
  };
}

export interface ExportDeps {
  db: PrismaClient;
  shop: string;
  gateway: ShopifyGateway;
}

/** "Add customers to Shopify" for the given ERP customer numbers (or all). */
export async function addCustomersToShopify(deps: ExportDeps, nos: string[] | "all", o: { trigger: RunTrigger }): Promise<RunSummary> {
  const run = await startRun(deps.db, deps.shop, "addCustomersToShopify", o.trigger);
  const ctx = await loadContext(deps.db, deps.shop, deps.gateway, run.id);
  try {
    const list = nos === "all" ? ctx.erp.numbers() : nos;
    for (const no of list) {
      ctx.counts.read++;
      try {
        await exportOne(ctx, no);
      } catch (e) {
        if (isWholeRunFailure(e)) throw e;
        ctx.counts.failed++;
        ctx.log.add("internal", `ERP customer ${no} could not be added: ${(e as Error).message}`, { erpCustomerNo: no });
      }
      await ctx.log.flush();
    }
    return await finishRun(ctx, run.id);
  } catch (e) {
    return await finishRun(ctx, run.id, e);
  }
}

function isWholeRunFailure(e: unknown) {
  const code = (e as any)?.code;
  return code === "authRequired" || code === "apiError";
}

function skip(ctx: SyncContext, code: LogCode, message: string, ids: { erpCustomerNo?: string; shopifyCustomerId?: string }) {
  ctx.counts.skipped++;
  ctx.log.add(code, message, ids);
}

async function linkedMirrors(ctx: SyncContext, no: string): Promise<MirrorWithAddresses[]> {
  const rows = await ctx.db.mirrorCustomer.findMany({ where: { shop: ctx.shop, erpCustomerNo: no, deletedInShopify: false }, select: { shopifyId: true } });
  const map = await loadMirrors(ctx.db, ctx.shop, rows.map((r) => r.shopifyId));
  return [...map.values()];
}

async function exportOne(ctx: SyncContext, no: string) {
  const gw = ctx.gateway!;
  const erp = await ctx.erp.get(no);
  if (!erp) {
    skip(ctx, "internal", `There is no ERP customer ${no}.`, { erpCustomerNo: no });
    return;
  }
  const check = desiredFor(ctx, erp);
  if (!check.ok) return skip(ctx, check.code, check.message, { erpCustomerNo: no });
  const d = check.desired;
  if (d.countyNotFound) ctx.log.add("countyNotFound", `County "${erp.county}" is not in the tax-area table for ${d.address.countryCode}; sent without a province.`, { erpCustomerNo: no });

  // 5. The counterpart: the linked customer, else an exact lookup by email and by phone (both always run).
  const linked = await linkedMirrors(ctx, no);
  if (linked.length) {
    ctx.log.add("linked", `ERP customer ${no} is already linked to Shopify customer ${linked[0].shopifyId}.`, { erpCustomerNo: no, shopifyCustomerId: linked[0].shopifyId });
    if (ctx.settings.canUpdateShopifyCustomers) await pushOne(ctx, erp, linked[0]);
    return;
  }
  const byEmail = await customerIdByIdentifier(gw, { emailAddress: d.email });
  const emailHit = byEmail && byEmail.email.toLowerCase() === d.email.toLowerCase() ? byEmail : null;
  const byPhone = d.phone ? await customerIdByIdentifier(gw, { phoneNumber: d.phone }) : null;
  const phoneHit = byPhone && toE164(byPhone.phone) === d.phone ? byPhone : null;
  if (emailHit && phoneHit && emailHit.id !== phoneHit.id) {
    return skip(ctx, "conflictingMatch", `The email matches Shopify customer ${emailHit.id} and the phone matches ${phoneHit.id}; link one by hand.`, { erpCustomerNo: no });
  }
  const found = emailHit ?? phoneHit;
  const hit = found ? await getCustomer(gw, found.id) : null;
  if (hit) {
    const mirrors = await loadMirrors(ctx.db, ctx.shop, [hit.id]);
    const m = mirrors.get(hit.id);
    if (m?.erpCustomerNo && m.erpCustomerNo !== no && ctx.erp.has(m.erpCustomerNo)) {
      return skip(ctx, "alreadyLinked", `Shopify customer ${hit.id} with the same ${emailHit ? "email" : "phone"} is already linked to ERP customer ${m.erpCustomerNo}.`, { erpCustomerNo: no, shopifyCustomerId: hit.id });
    }
    await storeMirror(ctx, hit, m, no, "exported", false);
    ctx.counts.linked++;
    ctx.log.add("linked", `ERP customer ${no} linked to the existing Shopify customer ${hit.id} (same ${emailHit ? "email" : "phone"}).`, { erpCustomerNo: no, shopifyCustomerId: hit.id });
    if (ctx.settings.canUpdateShopifyCustomers) {
      const again = await loadMirrors(ctx.db, ctx.shop, [hit.id]);
      await pushOne(ctx, erp, again.get(hit.id)!);
    }
    return;
  }

  // 6–7. Create, idempotently: remember the attempt, and after a timeout or "already taken" for our own attempt,
  // look the email up and link instead of creating twice.
  const previous = await ctx.db.exportAttempt.findUnique({ where: { shop_erpCustomerNo: { shop: ctx.shop, erpCustomerNo: no } } });
  await ctx.db.exportAttempt.upsert({
    where: { shop_erpCustomerNo: { shop: ctx.shop, erpCustomerNo: no } },
    create: { shop: ctx.shop, erpCustomerNo: no, email: d.email, phone: d.phone },
    update: { email: d.email, phone: d.phone, startedAt: new Date() },
  });
  const input: CustomerInput = {
    firstName: blankToNull(d.firstName),
    lastName: blankToNull(d.lastName),
    email: d.email,
    phone: blankToNull(d.phone),
    addresses: [addressInput(d)],
  };
  for (let attempt = 1; ; attempt++) {
    let created: ShopifyCustomer | null = null;
    let userErrors: UserError[] = [];
    try {
      const r = await customerCreate(gw, input);
      created = r.customer;
      userErrors = r.userErrors;
    } catch (e) {
      if (!(e instanceof ShopifyTimeoutError)) throw e;
      const landed = await customerByIdentifier(gw, { emailAddress: d.email });
      if (landed) {
        created = landed;
      } else if (attempt < 2) {
        continue;
      } else {
        throw e;
      }
    }
    if (!created && userErrors.length) {
      const taken = userErrors.some((u) => /already been taken/i.test(u.message));
      const ours = previous && previous.email.toLowerCase() === d.email.toLowerCase();
      if (taken && ours) {
        const landed = await customerByIdentifier(gw, { emailAddress: d.email });
        if (landed) created = landed;
      }
      if (!created) {
        return skip(ctx, "shopifyUserError", `Shopify refused the customer: ${userErrors.map((u) => u.message).join("; ")}`, { erpCustomerNo: no });
      }
    }
    if (!created) throw new Error("Shopify returned no customer and no error");
    await storeMirror(ctx, created, undefined, no, "exported", true, desiredHash(d));
    await ctx.db.exportAttempt.delete({ where: { shop_erpCustomerNo: { shop: ctx.shop, erpCustomerNo: no } } });
    ctx.counts.exported++;
    ctx.log.add("exported", `ERP customer ${no} added to Shopify as ${created.id}.`, { erpCustomerNo: no, shopifyCustomerId: created.id });
    return;
  }
}

/** Store a Shopify customer the app wrote or adopted, with its link; `written` records it as the app's own write. */
async function storeMirror(
  ctx: SyncContext,
  c: ShopifyCustomer,
  existing: MirrorWithAddresses | undefined,
  no: string,
  linkSource: string,
  written: boolean,
  exportHash?: string,
) {
  const existingMap = existing ? existing : (await loadMirrors(ctx.db, ctx.shop, [c.id])).get(c.id);
  const next = nextMirror(ctx.shop, c, existingMap);
  next.row.erpCustomerNo = no;
  next.row.linkSource = linkSource;
  if (written) {
    next.row.lastWrittenByApp = new Date();
    next.row.lastWrittenHash = next.row.contentHash;
  }
  if (exportHash) next.row.exportHash = exportHash;
  if (written && linkSource === "exported") {
    const def = next.addresses.find((a) => a.isDefault) ?? next.addresses[0];
    if (def) def.erpCustomerNo = no;
  }
  await ctx.db.$transaction(mirrorWrites(ctx.db, ctx.shop, next.row, next.addresses, true));
}

/**
 * Push the changed fields of a linked ERP customer to Shopify (§7.3). Only fields whose desired value differs from
 * the mirror are sent; a rejected update leaves the mirror as it was, so the next run tries again.
 */
async function pushOne(ctx: SyncContext, erp: ErpCustomer, m: MirrorWithAddresses, timeouts = 0): Promise<void> {
  const gw = ctx.gateway!;
  const check = desiredFor(ctx, erp, { firstName: m.firstName, lastName: m.lastName });
  if (!check.ok) return skip(ctx, check.code, check.message, { erpCustomerNo: erp.no, shopifyCustomerId: m.shopifyId });
  const d = check.desired;
  const hash = desiredHash(d);
  if (m.exportHash === hash) return;
  const input: CustomerInput = { id: m.shopifyId };
  let customerChanged = false;
  if (clean(m.firstName) !== d.firstName) ((input.firstName = d.firstName || null), (customerChanged = true));
  if (clean(m.lastName) !== d.lastName) ((input.lastName = d.lastName || null), (customerChanged = true));
  if (m.email.toLowerCase() !== d.email.toLowerCase()) ((input.email = d.email || null), (customerChanged = true));
  if ((toE164(m.phone) ?? clean(m.phone)) !== d.phone) ((input.phone = d.phone || null), (customerChanged = true));
  const current = billToAddress({ addresses: m.addresses.map((a) => ({ ...a, id: a.shopifyId })), defaultAddressId: m.defaultAddressId || null });
  const want = d.address;
  const addressChanged =
    !current ||
    clean(current.company) !== want.company ||
    clean(current.firstName) !== want.firstName ||
    clean(current.lastName) !== want.lastName ||
    clean(current.address1) !== want.address1 ||
    clean(current.address2) !== want.address2 ||
    clean(current.zip) !== want.zip ||
    clean(current.city) !== want.city ||
    clean(current.countryCode).toUpperCase() !== want.countryCode ||
    (!d.countyNotFound && clean(current.provinceCode) !== want.provinceCode) ||
    (toE164(current.phone, want.countryCode) ?? clean(current.phone)) !== want.phone;
  if (!customerChanged && !addressChanged) {
    await ctx.db.mirrorCustomer.update({ where: { shop_shopifyId: { shop: ctx.shop, shopifyId: m.shopifyId } }, data: { exportHash: hash } });
    if (timeouts > 0) {
      ctx.counts.updated++;
      ctx.log.add("updated", `Shopify customer ${m.shopifyId} updated from ERP customer ${erp.no} (Shopify did not answer; the change was found in Shopify).`, { erpCustomerNo: erp.no, shopifyCustomerId: m.shopifyId });
    }
    return;
  }
  const errors: UserError[] = [];
  try {
    if (customerChanged) errors.push(...(await customerUpdate(gw, input)).userErrors);
    if (!errors.length && addressChanged) {
      const address = addressInput(d);
      if (d.countyNotFound) delete address.provinceCode;
      let addressId = current?.shopifyId ?? null;
      if (addressId && isKeylessAddressId(addressId)) {
        // An address stored without Shopify's id (a webhook payload that carried none): Shopify does not know that
        // key, so the address to update is found in Shopify itself.
        const fresh = await getCustomer(gw, m.shopifyId);
        addressId = (fresh && billToAddress({ addresses: fresh.addresses, defaultAddressId: fresh.defaultAddressId })?.id) || null;
      }
      errors.push(...(await customerAddressUpsert(gw, m.shopifyId, addressId, address)).userErrors);
    }
  } catch (e) {
    // Fix (timeout after commit): a write that got no answer may have landed. The mirror used to keep the old
    // values, so a Sync that does not read the customer back (customerImport none, or withOrderImport) sent the
    // change again at its next run, and a repeated customerAddressCreate gave the customer a second address.
    // Now the customer is read back and the mirror records what Shopify holds (as the app's own write, so its
    // webhook is an echo); then only what is still missing is sent. A push has at most two writes, so it is tried
    // again at most twice; a third timeout is thrown (logged; the next run compares with what Shopify was found holding).
    if (!(e instanceof ShopifyTimeoutError)) throw e;
    const fresh = await getCustomer(gw, m.shopifyId);
    if (!fresh) throw e;
    await storeMirror(ctx, fresh, m, m.erpCustomerNo, m.linkSource, true);
    if (timeouts >= 2) throw e;
    const again = (await loadMirrors(ctx.db, ctx.shop, [m.shopifyId])).get(m.shopifyId)!;
    return pushOne(ctx, erp, again, timeouts + 1);
  }
  if (errors.length) {
    return skip(ctx, "shopifyUserError", `Shopify refused the update: ${errors.map((u) => u.message).join("; ")}`, { erpCustomerNo: erp.no, shopifyCustomerId: m.shopifyId });
  }
  const fresh = await getCustomer(gw, m.shopifyId);
  if (fresh) await storeMirror(ctx, fresh, m, m.erpCustomerNo, m.linkSource, true, hash);
  ctx.counts.updated++;
  ctx.log.add("updated", `Shopify customer ${m.shopifyId} updated from ERP customer ${erp.no}.`, { erpCustomerNo: erp.no, shopifyCustomerId: m.shopifyId });
}

const LINK_PREFERENCE = ["exported", "created", "manual", "matched"];

/** During Sync: push every linked ERP customer whose Shopify-relevant fields changed. Unlinked ones cost nothing. */
export async function pushLinkedChanges(ctx: SyncContext) {
  let cursor = "";
  for (;;) {
    const rows = await ctx.db.mirrorCustomer.findMany({
      where: { shop: ctx.shop, deletedInShopify: false, erpCustomerNo: { gt: cursor } },
      select: { erpCustomerNo: true },
      distinct: ["erpCustomerNo"],
      orderBy: { erpCustomerNo: "asc" },
      take: 500,
    });
    if (!rows.length) return;
    cursor = rows[rows.length - 1].erpCustomerNo;
    await ctx.erp.prefetch(rows.map((r) => r.erpCustomerNo));
    for (const { erpCustomerNo: no } of rows) {
      const erp = await ctx.erp.get(no);
      if (!erp) continue;
      const mirrors = await linkedMirrors(ctx, no);
      mirrors.sort((a, b) => LINK_PREFERENCE.indexOf(a.linkSource) - LINK_PREFERENCE.indexOf(b.linkSource));
      try {
        await pushOne(ctx, erp, mirrors[0]);
      } catch (e) {
        if (isWholeRunFailure(e)) throw e;
        ctx.counts.failed++;
        ctx.log.add("internal", `Shopify customer ${mirrors[0].shopifyId} could not be updated: ${(e as Error).message}`, { erpCustomerNo: no, shopifyCustomerId: mirrors[0].shopifyId });
      }
    }
    ctx.erp.release();
    await ctx.log.flush();
  }
}

/** Account invites for selected Shopify customers (§7.4). */
export async function sendInvites(deps: ExportDeps, shopifyIds: string[], o: { trigger: RunTrigger }): Promise<RunSummary> {
  const run = await startRun(deps.db, deps.shop, "sendInvites", o.trigger);
  const ctx = await loadContext(deps.db, deps.shop, deps.gateway, run.id);
  try {
    for (const id of shopifyIds) {
      ctx.counts.read++;
      const errors = await sendAccountInvite(deps.gateway, id);
      if (errors.length) skip(ctx, "shopifyUserError", `Shopify did not send the invite: ${errors.map((u) => u.message).join("; ")}`, { shopifyCustomerId: id });
      else ctx.log.add("exported", `Account invite sent to Shopify customer ${id}.`, { shopifyCustomerId: id });
    }
    return await finishRun(ctx, run.id);
  } catch (e) {
    return await finishRun(ctx, run.id, e);
  }
}

export { toErpCustomer };
