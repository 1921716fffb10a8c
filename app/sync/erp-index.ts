// An in-memory index of the shop's ERP customers for one run: by number, by every email address an ERP email
// field holds, by phone (E.164 and last 9 digits) and, on demand, by bill-to info. Customers created during the
// run are added, so two Shopify customers matching the same data never create two ERP customers.
import type { ErpCustomer } from "../erp/fields";
import { phoneKey, type PhoneKey } from "./phone";
import { clean, collapse } from "./text";

export function emailsOf(field: string): string[] {
  return clean(field)
    .split(/[;,]/)
    .map((e) => clean(e).toLowerCase())
    .filter(Boolean);
}

export interface CountryLookup {
  isoOf(erpCountryCode: string): string;
  companyIso: string;
}

function push(map: Map<string, string[]>, key: string, no: string) {
  const list = map.get(key);
  if (!list) map.set(key, [no]);
  else if (!list.includes(no)) list.push(no);
}

function pull(map: Map<string, string[]>, key: string, no: string) {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(no);
  if (i >= 0) list.splice(i, 1);
  if (!list.length) map.delete(key);
}

export const byNo = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class ErpIndex {
  readonly byNo = new Map<string, ErpCustomer>();
  private byEmail = new Map<string, string[]>();
  private byE164 = new Map<string, string[]>();
  private byLast9 = new Map<string, string[]>();
  private phoneOf = new Map<string, PhoneKey>();
  private billTo: Map<string, string[]> | null = null;
  private billToKeyOf: ((c: ErpCustomer) => string) | null = null;

  constructor(private countries: CountryLookup) {}

  add(c: ErpCustomer) {
    this.remove(c.no);
    this.byNo.set(c.no, c);
    for (const e of emailsOf(c.email)) push(this.byEmail, e, c.no);
    const region = this.countries.isoOf(c.countryCode) || this.countries.companyIso;
    const pk = phoneKey(c.phoneNo, region);
    if (pk) {
      this.phoneOf.set(c.no, pk);
      if (pk.e164) push(this.byE164, pk.e164, c.no);
      if (pk.last9) push(this.byLast9, pk.last9.slice(-7), c.no);
    }
    if (this.billTo && this.billToKeyOf) push(this.billTo, this.billToKeyOf(c), c.no);
  }

  remove(no: string) {
    const old = this.byNo.get(no);
    if (!old) return;
    this.byNo.delete(no);
    for (const e of emailsOf(old.email)) pull(this.byEmail, e, no);
    const pk = this.phoneOf.get(no);
    if (pk) {
      if (pk.e164) pull(this.byE164, pk.e164, no);
      if (pk.last9) pull(this.byLast9, pk.last9.slice(-7), no);
      this.phoneOf.delete(no);
    }
    if (this.billTo && this.billToKeyOf) pull(this.billTo, this.billToKeyOf(old), no);
  }

  get(no: string): ErpCustomer | undefined {
    return this.byNo.get(no);
  }

  findByEmail(email: string): string[] {
    const e = clean(email).toLowerCase();
    if (!e) return [];
    return [...(this.byEmail.get(e) ?? [])].sort(byNo);
  }

  /** ERP customers whose phone denotes the same number (see phone.ts for the rule). */
  findByPhone(key: PhoneKey | null, match: (a: PhoneKey, b: PhoneKey) => boolean): string[] {
    if (!key) return [];
    const found = new Set<string>();
    if (key.e164) for (const no of this.byE164.get(key.e164) ?? []) found.add(no);
    if (key.last9) {
      for (const no of this.byLast9.get(key.last9.slice(-7)) ?? []) {
        const other = this.phoneOf.get(no);
        if (other && match(key, other)) found.add(no);
      }
    }
    return [...found].sort(byNo);
  }

  /** Lazily builds the bill-to index with the key function (which depends on the name sources). */
  findByBillTo(key: string, keyOf: (c: ErpCustomer) => string): string[] {
    if (!this.billTo || this.billToKeyOf !== keyOf) {
      this.billTo = new Map();
      this.billToKeyOf = keyOf;
      for (const c of this.byNo.values()) push(this.billTo, keyOf(c), c.no);
    }
    return [...(this.billTo.get(key) ?? [])].sort(byNo);
  }
}

/** Equality key for bill-to matching: ignoring case and repeated spaces. */
export function looseKey(parts: string[]): string {
  return parts.map((p) => collapse(p).toLocaleLowerCase()).join("\u0001");
}
