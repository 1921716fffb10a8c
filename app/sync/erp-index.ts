// An in-memory index of the shop's ERP customers for one run: their numbers, and the keys matching looks them up
// by — every email address an ERP email field holds, the phone (E.164 and last 9 digits) and, for byBillToInfo
// only, the bill-to name and address. Customers created or changed during the run are added, so two Shopify
// customers matching the same data never create two ERP customers.
//
// Full records are not kept for the whole run (at 100,000 customers they cost more memory than everything else):
// a page reads the records it will update in one query (`prefetch`), `get` reads any other one on its own, and a
// record changed in memory stays at hand until the page's writes are committed (`release`).
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

/** What the index keeps of an ERP customer: its number and the fields matching compares. */
export type ErpKeys = Pick<ErpCustomer, "no" | "email" | "phoneNo" | "countryCode"> & Partial<BillToFields>;
type BillToFields = Pick<ErpCustomer, "name" | "name2" | "address" | "address2" | "postCode" | "city" | "countryCode">;

/** The fields `ErpIndex.load` reads: the matching keys, and the bill-to fields when byBillToInfo needs them. */
export const KEY_FIELDS = { no: true, email: true, phoneNo: true, countryCode: true } as const;
export const BILL_TO_FIELDS = { name: true, name2: true, address: true, address2: true, postCode: true, city: true } as const;

/** Equality key for bill-to matching: ignoring case and repeated spaces. */
export function looseKey(parts: string[]): string {
  return parts.map((p) => collapse(p).toLocaleLowerCase()).join("\u0001");
}

/** An ERP customer's bill-to key (byBillToInfo): name, name 2, address, address 2, post code, city and country. */
export const billToKeyOf = (c: BillToFields) => looseKey([c.name, c.name2, c.address, c.address2, c.postCode, c.city, c.countryCode]);

/** Key → the numbers under it: one number as is (most keys have one), several in an array. */
type Keyed = Map<string, string | string[]>;

function push(map: Keyed, key: string, no: string) {
  const at = map.get(key);
  if (at === undefined) map.set(key, no);
  else if (typeof at === "string") {
    if (at !== no) map.set(key, [at, no]);
  } else if (!at.includes(no)) at.push(no);
}

function pull(map: Keyed, key: string, no: string) {
  const at = map.get(key);
  if (at === no) map.delete(key);
  else if (Array.isArray(at)) {
    const rest = at.filter((x) => x !== no);
    if (rest.length !== at.length) map.set(key, rest.length === 1 ? rest[0] : rest);
  }
}

/** The numbers under a key, as a new array. */
function numbersAt(map: Keyed, key: string): string[] {
  const at = map.get(key);
  return at === undefined ? [] : typeof at === "string" ? [at] : [...at];
}

export const byNo = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class ErpIndex {
  /** Every number, with the customer's email field (its email keys are dropped when the customer changes). */
  private emailOf = new Map<string, string>();
  private byEmail: Keyed = new Map();
  private byE164: Keyed = new Map();
  private byLast9: Keyed = new Map();
  private phoneOf = new Map<string, PhoneKey>();
  /** Bill-to keys, only when loaded with them (byBillToInfo). */
  private billToOf: Map<string, string> | null;
  private billTo: Keyed | null;
  /** Full records at hand: read for the page being processed, or changed in memory and not yet written. */
  private records = new Map<string, ErpCustomer>();

  /**
   * @param read reads full records by number (from the database)
   * @param withBillTo keep bill-to keys too (byBillToInfo)
   */
  constructor(
    private countries: CountryLookup,
    private read: (nos: string[]) => Promise<ErpCustomer[]>,
    withBillTo = false,
  ) {
    this.billToOf = withBillTo ? new Map() : null;
    this.billTo = withBillTo ? new Map() : null;
  }

  /** Index a customer by its keys (as read for the index, or a full record). */
  addKeys(c: ErpKeys) {
    this.remove(c.no);
    this.emailOf.set(c.no, c.email);
    for (const e of emailsOf(c.email)) push(this.byEmail, e, c.no);
    const region = this.countries.isoOf(c.countryCode) || this.countries.companyIso;
    const pk = phoneKey(c.phoneNo, region);
    if (pk) {
      this.phoneOf.set(c.no, pk);
      if (pk.e164) push(this.byE164, pk.e164, c.no);
      if (pk.last9) push(this.byLast9, pk.last9.slice(-7), c.no);
    }
    if (this.billTo && this.billToOf) {
      const key = billToKeyOf(c as BillToFields);
      this.billToOf.set(c.no, key);
      push(this.billTo, key, c.no);
    }
  }

  /** A customer created or changed in memory: indexed, and its record at hand until `release`. */
  add(c: ErpCustomer) {
    this.addKeys(c);
    this.records.set(c.no, c);
  }

  remove(no: string) {
    const email = this.emailOf.get(no);
    if (email === undefined) return;
    this.emailOf.delete(no);
    this.records.delete(no);
    for (const e of emailsOf(email)) pull(this.byEmail, e, no);
    const pk = this.phoneOf.get(no);
    if (pk) {
      if (pk.e164) pull(this.byE164, pk.e164, no);
      if (pk.last9) pull(this.byLast9, pk.last9.slice(-7), no);
      this.phoneOf.delete(no);
    }
    const key = this.billToOf?.get(no);
    if (key !== undefined) {
      pull(this.billTo!, key, no);
      this.billToOf!.delete(no);
    }
  }

  has(no: string): boolean {
    return this.emailOf.has(no);
  }

  /** Every number, in order. */
  numbers(): string[] {
    return [...this.emailOf.keys()].sort(byNo);
  }

  /** The full record: at hand, else read on its own. */
  async get(no: string): Promise<ErpCustomer | undefined> {
    if (!this.has(no)) return undefined;
    return this.records.get(no) ?? (await this.read([no]))[0];
  }

  /** Read, in one query, the records a page is about to need (those not at hand). */
  async prefetch(nos: Iterable<string>) {
    const missing = [...new Set(nos)].filter((no) => this.has(no) && !this.records.has(no));
    for (let i = 0; i < missing.length; i += 500) {
      for (const c of await this.read(missing.slice(i, i + 500))) this.records.set(c.no, c);
    }
  }

  /** Let go of the records at hand: the page's writes are committed (or undone), the database has them. */
  release() {
    this.records.clear();
  }

  findByEmail(email: string): string[] {
    const e = clean(email).toLowerCase();
    if (!e) return [];
    return numbersAt(this.byEmail, e).sort(byNo);
  }

  /** ERP customers whose phone denotes the same number (see phone.ts for the rule). */
  findByPhone(key: PhoneKey | null, match: (a: PhoneKey, b: PhoneKey) => boolean): string[] {
    if (!key) return [];
    const found = new Set<string>();
    if (key.e164) for (const no of numbersAt(this.byE164, key.e164)) found.add(no);
    if (key.last9) {
      for (const no of numbersAt(this.byLast9, key.last9.slice(-7))) {
        const other = this.phoneOf.get(no);
        if (other && match(key, other)) found.add(no);
      }
    }
    return [...found].sort(byNo);
  }

  /** ERP customers with this bill-to key (see `billToKeyOf`); the index must have been loaded with bill-to keys. */
  findByBillTo(key: string): string[] {
    if (!this.billTo) throw new Error("The ERP index was loaded without bill-to keys (customerMappingType is not byBillToInfo).");
    return numbersAt(this.billTo, key).sort(byNo);
  }
}
