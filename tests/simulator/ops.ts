// Customer and order operations shared by the GraphQL mutations and the control API.
import {
  type Address, type Customer, type Order, type ShopState,
  countryName, provinceName, normalizePhone, isValidEmail, emptyAddress, gidNum, iso,
} from "./model.js";

export interface UserError { field: string[] | null; message: string; code?: string }

const COUNTRY_BY_NAME = (() => {
  const m = new Map<string, string>();
  const dn = new Intl.DisplayNames(["en"], { type: "region" });
  for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    try { const n = dn.of(code); if (n && n !== code) m.set(n.toLowerCase(), code); } catch { /* not a region */ }
  }
  return m;
})();

const blank = (v: unknown) => v == null || (typeof v === "string" && v.trim() === "");
const str = (v: unknown): string | null => (blank(v) ? null : String(v));

export function normalizeTags(t: unknown): string[] {
  const list = Array.isArray(t) ? t : typeof t === "string" ? [t] : [];
  const out: string[] = [];
  for (const x of list) for (const p of String(x).split(",")) {
    const s = p.trim();
    if (s && !out.some((o) => o.toLowerCase() === s.toLowerCase())) out.push(s);
  }
  return out;
}

/** MailingAddressInput -> stored address (Shopify fills country and province names from the codes). */
export function addressFromInput(inp: any, id: string, base?: Address): Address {
  const a: Address = base ? { ...base, id } : emptyAddress(id);
  const has = (k: string) => Object.prototype.hasOwnProperty.call(inp, k);
  for (const k of ["company", "firstName", "lastName", "address1", "address2", "zip", "city"] as const) if (has(k)) a[k] = str(inp[k]);
  let code = has("countryCode") ? str(inp.countryCode) : has("country") && inp.country ? COUNTRY_BY_NAME.get(String(inp.country).toLowerCase()) ?? null : a.countryCodeV2;
  if (has("countryCode") || has("country")) {
    a.countryCodeV2 = code ? code.toUpperCase() : null;
    a.country = countryName(a.countryCodeV2) ?? str(inp.country);
  }
  if (has("provinceCode") || has("province")) {
    a.provinceCode = str(inp.provinceCode) ?? a.provinceCode;
    a.province = provinceName(a.countryCodeV2, a.provinceCode) ?? str(inp.province) ?? null;
  }
  if (has("phone")) {
    const p = str(inp.phone);
    a.phone = p ? normalizePhone(p, a.countryCodeV2) ?? p : null;
  }
  return a;
}

interface Checked { errors: UserError[]; email?: string | null; phone?: string | null }

/** Validates email/phone changes like Shopify: format, E.164 phone, uniqueness within the shop. */
function checkContact(shop: ShopState, self: Customer | null, input: any, region: string | null, path: string[], codes: boolean): Checked {
  const errors: UserError[] = [];
  const out: Checked = { errors };
  const err = (field: string, message: string, code: string) => errors.push({ field: [...path, field], message, ...(codes ? { code } : {}) });
  if (Object.prototype.hasOwnProperty.call(input, "email")) {
    const e = str(input.email)?.trim() ?? null;
    if (e == null) out.email = null;
    else if (!isValidEmail(e)) err("email", "Email is invalid", "INVALID");
    else {
      const owner = shop.email.get(e.toLowerCase());
      if (owner && owner !== self?.id) err("email", "Email has already been taken", "TAKEN");
      else out.email = e;
    }
  }
  if (Object.prototype.hasOwnProperty.call(input, "phone")) {
    const p = str(input.phone);
    if (p == null) out.phone = null;
    else {
      const n = normalizePhone(p, region);
      if (!n) err("phone", "Phone is invalid", "INVALID");
      else {
        const owner = shop.phone.get(n);
        if (owner && owner !== self?.id) err("phone", "Phone has already been taken", "TAKEN");
        else out.phone = n;
      }
    }
  }
  return out;
}

function nameless(c: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null }) {
  return blank(c.firstName) && blank(c.lastName) && blank(c.email) && blank(c.phone);
}
const NAMELESS = "Customer must have a name, phone number or email address";

function applyScalars(c: Customer, input: any) {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
  if (has("firstName")) c.firstName = str(input.firstName);
  if (has("lastName")) c.lastName = str(input.lastName);
  if (has("note")) c.note = str(input.note);
  if (has("tags")) c.tags = normalizeTags(input.tags);
  if (has("taxExempt") && input.taxExempt != null) c.taxExempt = !!input.taxExempt;
  if (has("locale") && input.locale) c.locale = String(input.locale);
  if (input.emailMarketingConsent?.marketingState) c.emailMarketingState = input.emailMarketingConsent.marketingState;
  if (input.smsMarketingConsent?.marketingState) c.smsMarketingState = input.smsMarketingConsent.marketingState;
}

function replaceAddresses(shop: ShopState, c: Customer, list: any[]) {
  const old = new Map(c.addresses.map((a) => [a.id, a]));
  c.addresses = list.map((inp) => {
    const prev = inp.id ? old.get(String(inp.id)) : undefined;
    return prev ? addressFromInput(inp, prev.id, prev) : addressFromInput(inp, shop.newAddressId());
  });
  if (!c.addresses.some((a) => a.id === c.defaultAddressId)) c.defaultAddressId = c.addresses[0]?.id ?? null;
}

function region(input: any, c?: Customer | null): string | null {
  const first = input.addresses?.[0];
  if (first?.countryCode) return String(first.countryCode);
  const d = c?.addresses.find((a) => a.id === c.defaultAddressId) ?? c?.addresses[0];
  return d?.countryCodeV2 ?? null;
}

function blankCustomer(shop: ShopState, id?: string): Customer {
  const t = shop.tick();
  const cid = id ?? shop.newCustomerId();
  return {
    __typename: "Customer", id: cid, num: gidNum(cid), firstName: null, lastName: null, email: null, phone: null,
    emailMarketingState: "NOT_SUBSCRIBED", smsMarketingState: "NOT_SUBSCRIBED", note: null, tags: [], taxExempt: false,
    state: "DISABLED", verifiedEmail: true, locale: "en", createdAt: t, updatedAt: t, addresses: [], defaultAddressId: null,
    lastWriteAt: Date.now(),
  };
}

export function customerCreate(shop: ShopState, input: any): { customer?: Customer; errors: UserError[] } {
  if (input.id) return { errors: [{ field: ["id"], message: "Id must not be specified for create" }] };
  const chk = checkContact(shop, null, input, region(input), [], false);
  if (chk.errors.length) return { errors: chk.errors };
  const c = blankCustomer(shop);
  applyScalars(c, input);
  c.email = chk.email ?? null; c.phone = chk.phone ?? null;
  if (nameless(c)) return { errors: [{ field: null, message: NAMELESS }] };
  if (Array.isArray(input.addresses)) replaceAddresses(shop, c, input.addresses);
  shop.put(c);
  return { customer: c, errors: [] };
}

function touch(shop: ShopState, c: Customer) {
  c.updatedAt = shop.tick();
  c.lastWriteAt = Date.now();
  shop.put(c);
}

export function customerUpdate(shop: ShopState, input: any): { customer?: Customer; errors: UserError[] } {
  const cur = input.id ? shop.customers.get(String(input.id)) : undefined;
  if (!cur) return { errors: [{ field: ["id"], message: "Customer does not exist" }] };
  const chk = checkContact(shop, cur, input, region(input, cur), [], false);
  if (chk.errors.length) return { errors: chk.errors };
  const c: Customer = { ...cur, addresses: [...cur.addresses], tags: [...cur.tags] };
  applyScalars(c, input);
  if (chk.email !== undefined) c.email = chk.email;
  if (chk.phone !== undefined) c.phone = chk.phone;
  if (nameless(c)) return { errors: [{ field: null, message: NAMELESS }] };
  if (Array.isArray(input.addresses)) replaceAddresses(shop, c, input.addresses);
  touch(shop, c);
  return { customer: c, errors: [] };
}

export function customerSet(shop: ShopState, identifier: any, input: any): { customer?: Customer; errors: UserError[] } {
  const E = (field: string[] | null, message: string, code: string): { errors: UserError[] } => ({ errors: [{ field, message, code }] });
  let cur: Customer | undefined;
  input = { ...input };
  if (identifier && Object.keys(identifier).length) {
    if (identifier.id != null) {
      cur = shop.customers.get(String(identifier.id));
      if (!cur) return E(["identifier", "id"], "Resource matching the identifier was not found.", "NOT_FOUND");
    } else if (identifier.email != null) {
      if (input.email != null && String(input.email).toLowerCase() !== String(identifier.email).toLowerCase())
        return E(["input", "email"], "The identifier value does not match the value of the corresponding field in the input.", "INPUT_MISMATCH");
      input.email ??= identifier.email;
      const id = shop.email.get(String(identifier.email).trim().toLowerCase());
      cur = id ? shop.customers.get(id) : undefined;
    } else if (identifier.phone != null) {
      const n = normalizePhone(String(identifier.phone), region(input));
      if (input.phone != null && normalizePhone(String(input.phone), region(input)) !== n)
        return E(["input", "phone"], "The identifier value does not match the value of the corresponding field in the input.", "INPUT_MISMATCH");
      input.phone ??= identifier.phone;
      const id = n ? shop.phone.get(n) : undefined;
      cur = id ? shop.customers.get(id) : undefined;
    } else if (identifier.customId) {
      return E(["identifier", "customId"], "Custom IDs are not supported by the simulator.", "INVALID");
    }
  } else if (input.id) {
    cur = shop.customers.get(String(input.id));
    if (!cur) return E(["input", "id"], "Resource matching the identifier was not found.", "NOT_FOUND");
  }
  delete input.id;
  const chk = checkContact(shop, cur ?? null, input, region(input, cur), ["input"], true);
  if (chk.errors.length) return { errors: chk.errors };
  const c: Customer = cur ? { ...cur, addresses: [...cur.addresses], tags: [...cur.tags] } : blankCustomer(shop);
  applyScalars(c, input);
  if (chk.email !== undefined) c.email = chk.email;
  if (chk.phone !== undefined) c.phone = chk.phone;
  if (nameless(c)) return E(null, NAMELESS, "BLANK");
  if (Array.isArray(input.addresses)) replaceAddresses(shop, c, input.addresses);
  if (cur) touch(shop, c); else shop.put(c);
  return { customer: c, errors: [] };
}

export function customerDelete(shop: ShopState, id: string): { deletedId?: string; errors: UserError[] } {
  const c = shop.remove(String(id));
  if (!c) return { errors: [{ field: ["id"], message: "Customer can't be found" }] };
  return { deletedId: c.id, errors: [] };
}

function findAddr(c: Customer, addressId: string): Address | undefined {
  const n = gidNum(addressId);
  return c.addresses.find((a) => a.id === addressId || gidNum(a.id) === n);
}

export function addressCreate(shop: ShopState, customerId: string, inp: any, setAsDefault?: boolean) {
  const cur = shop.customers.get(String(customerId));
  if (!cur) return { errors: [{ field: ["customerId"], message: "Customer does not exist" }] };
  const a = addressFromInput(inp, shop.newAddressId());
  const c: Customer = { ...cur, addresses: [...cur.addresses, a] };
  if (setAsDefault || !c.defaultAddressId) c.defaultAddressId = a.id;
  touch(shop, c);
  return { address: a, customer: c, errors: [] as UserError[] };
}

export function addressUpdate(shop: ShopState, customerId: string, addressId: string, inp: any, setAsDefault?: boolean) {
  const cur = shop.customers.get(String(customerId));
  if (!cur) return { errors: [{ field: ["customerId"], message: "Customer does not exist" }] };
  const old = findAddr(cur, addressId);
  if (!old) return { errors: [{ field: ["addressId"], message: "Address does not exist" }] };
  const a = addressFromInput(inp, old.id, old);
  const c: Customer = { ...cur, addresses: cur.addresses.map((x) => (x.id === old.id ? a : x)) };
  if (setAsDefault) c.defaultAddressId = a.id;
  touch(shop, c);
  return { address: a, customer: c, errors: [] as UserError[] };
}

export function addressDelete(shop: ShopState, customerId: string, addressId: string) {
  const cur = shop.customers.get(String(customerId));
  if (!cur) return { errors: [{ field: ["customerId"], message: "Customer does not exist" }] };
  const old = findAddr(cur, addressId);
  if (!old) return { errors: [{ field: ["addressId"], message: "Address does not exist" }] };
  const c: Customer = { ...cur, addresses: cur.addresses.filter((x) => x.id !== old.id) };
  if (c.defaultAddressId === old.id) c.defaultAddressId = c.addresses[0]?.id ?? null;
  touch(shop, c);
  return { deletedAddressId: old.id, customer: c, errors: [] as UserError[] };
}

export function updateDefaultAddress(shop: ShopState, customerId: string, addressId: string) {
  const cur = shop.customers.get(String(customerId));
  if (!cur) return { errors: [{ field: ["customerId"], message: "Customer does not exist" }] };
  const a = findAddr(cur, addressId);
  if (!a) return { errors: [{ field: ["addressId"], message: "Address does not exist" }] };
  const c: Customer = { ...cur, defaultAddressId: a.id };
  touch(shop, c);
  return { customer: c, errors: [] as UserError[] };
}

export function sendInvite(shop: ShopState, customerId: string) {
  const cur = shop.customers.get(String(customerId));
  if (!cur) return { errors: [{ field: ["customerId"], message: "Customer does not exist", code: "INVALID" }] };
  if (!cur.email) return { errors: [{ field: ["customerId"], message: "Email can't be blank", code: "BLANK" }] };
  if (cur.state === "ENABLED") return { errors: [{ field: ["customerId"], message: "Customer account is already enabled", code: "INVALID" }] };
  const c: Customer = { ...cur, state: "INVITED" };
  touch(shop, c);
  return { customer: c, errors: [] };
}

// ---------- control API: scenario (Admin GraphQL) shape in, GraphQL shape out ----------

function seedAddress(shop: ShopState, a: any): Address {
  const id = a.id ? String(a.id) : shop.newAddressId();
  const out = emptyAddress(id);
  for (const k of ["company", "firstName", "lastName", "address1", "address2", "zip", "city", "provinceCode", "province", "phone"] as const) out[k] = a[k] ?? null;
  out.countryCodeV2 = a.countryCodeV2 ?? a.countryCode ?? null;
  out.country = a.country ?? countryName(out.countryCodeV2);
  if (!out.province && out.provinceCode) out.province = provinceName(out.countryCodeV2, out.provinceCode);
  return out;
}

const ms = (v: unknown): number | undefined => (v == null ? undefined : typeof v === "number" ? v : Date.parse(String(v)));

/** Creates or replaces a customer as given (values kept as they are: seeds are not normalized). */
export function seedCustomer(shop: ShopState, src: any): Customer {
  const id = src.id ? String(src.id) : shop.newCustomerId();
  if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(id)) throw new Error(`setCustomer: bad customer id ${id}`);
  const prev = shop.customers.get(id);
  const email = src.defaultEmailAddress !== undefined ? src.defaultEmailAddress?.emailAddress ?? null : src.email ?? null;
  const phone = src.defaultPhoneNumber !== undefined ? src.defaultPhoneNumber?.phoneNumber ?? null : src.phone ?? null;
  if (email) { const o = shop.email.get(String(email).toLowerCase()); if (o && o !== id) throw new Error(`setCustomer: email ${email} already belongs to ${o}`); }
  if (phone) { const o = shop.phone.get(phone); if (o && o !== id) throw new Error(`setCustomer: phone ${phone} already belongs to ${o}`); }
  const addresses = (src.addresses ?? []).map((a: any) => seedAddress(shop, a));
  let defaultAddressId: string | null;
  if (src.defaultAddress === undefined) defaultAddressId = addresses[0]?.id ?? null;
  else if (src.defaultAddress === null) defaultAddressId = null; // addresses may exist without a default
  else {
    const want = String(src.defaultAddress.id ?? "");
    const hit = addresses.find((a: Address) => a.id === want);
    if (!hit) throw new Error(`setCustomer: defaultAddress ${want} is not one of the customer's addresses`);
    defaultAddressId = hit.id;
  }
  const t = shop.tick();
  const updatedAt = ms(src.updatedAt) ?? t;
  if (updatedAt > shop.lastTick) shop.lastTick = updatedAt;
  const c: Customer = {
    __typename: "Customer", id, num: gidNum(id),
    firstName: src.firstName ?? null, lastName: src.lastName ?? null, email, phone,
    emailMarketingState: src.defaultEmailAddress?.marketingState ?? "NOT_SUBSCRIBED", smsMarketingState: "NOT_SUBSCRIBED",
    note: src.note ?? null, tags: normalizeTags(src.tags ?? []), taxExempt: !!src.taxExempt,
    state: src.state ?? "DISABLED", verifiedEmail: src.verifiedEmail ?? true, locale: src.locale ?? "en",
    createdAt: ms(src.createdAt) ?? prev?.createdAt ?? Math.min(t, updatedAt), updatedAt,
    addresses, defaultAddressId, lastWriteAt: Date.now(),
  };
  shop.put(c);
  return c;
}

export function seedOrder(shop: ShopState, src: any): Order {
  const id = src.id ? String(src.id) : shop.newOrderId();
  const num = gidNum(id);
  shop.seenOrderNum(num);
  const prev = shop.orders.get(id);
  const t = shop.tick();
  const addr = (a: any) => (a ? seedAddress(shop, { ...a, id: a.id ?? `gid://shopify/MailingAddress/${shop.nextAddress++}` }) : null);
  const o: Order = {
    __typename: "Order", id, num, name: src.name ?? `#${1000 + shop.orders.size + 1}`,
    email: src.email ?? null, phone: src.phone ?? null,
    customerId: src.customer?.id ? String(src.customer.id) : null,
    billingAddress: addr(src.billingAddress), shippingAddress: addr(src.shippingAddress),
    note: src.note ?? null, tags: normalizeTags(src.tags ?? []),
    createdAt: ms(src.createdAt) ?? prev?.createdAt ?? t, updatedAt: ms(src.updatedAt) ?? t, processedAt: ms(src.processedAt) ?? ms(src.createdAt) ?? t,
    lineItems: src.lineItems ?? [], currencyCode: src.currencyCode ?? "EUR", totalPrice: src.totalPrice ?? "0.00",
  };
  shop.orders.set(id, o);
  shop.ordersVersion++;
  return o;
}

export function dumpAddress(a: Address) {
  return { id: a.id, company: a.company, firstName: a.firstName, lastName: a.lastName, address1: a.address1, address2: a.address2,
    zip: a.zip, city: a.city, countryCodeV2: a.countryCodeV2, country: a.country, provinceCode: a.provinceCode, province: a.province, phone: a.phone };
}

export function dumpCustomer(c: Customer) {
  return {
    id: c.id, firstName: c.firstName, lastName: c.lastName,
    defaultEmailAddress: c.email ? { emailAddress: c.email } : null,
    defaultPhoneNumber: c.phone ? { phoneNumber: c.phone } : null,
    addresses: c.addresses.map(dumpAddress),
    defaultAddress: c.defaultAddressId ? { id: c.defaultAddressId } : null,
    note: c.note, tags: [...c.tags], taxExempt: c.taxExempt, state: c.state, verifiedEmail: c.verifiedEmail,
    createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
  };
}

export function dumpOrder(o: Order) {
  return {
    id: o.id, name: o.name, email: o.email, phone: o.phone, customer: o.customerId ? { id: o.customerId } : null,
    billingAddress: o.billingAddress ? dumpAddress(o.billingAddress) : null,
    shippingAddress: o.shippingAddress ? dumpAddress(o.shippingAddress) : null,
    createdAt: iso(o.createdAt), updatedAt: iso(o.updatedAt),
  };
}
