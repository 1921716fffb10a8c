// Per-shop state of the simulated Shopify store: customers, addresses, orders, indexes and clocks.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

export interface Address {
  id: string;
  company: string | null; firstName: string | null; lastName: string | null;
  address1: string | null; address2: string | null; zip: string | null; city: string | null;
  countryCodeV2: string | null; country: string | null; provinceCode: string | null; province: string | null;
  phone: string | null;
}

export interface Customer {
  __typename: "Customer";
  id: string; num: number;
  firstName: string | null; lastName: string | null;
  email: string | null; phone: string | null;
  emailMarketingState: string; smsMarketingState: string;
  note: string | null; tags: string[]; taxExempt: boolean; state: string; verifiedEmail: boolean;
  locale: string;
  createdAt: number; updatedAt: number;
  addresses: Address[]; defaultAddressId: string | null;
  lastWriteAt: number; // wall-clock ms of the last write (search-index lag)
  _tok?: string[]; // cached search tokens
}

export interface Order {
  __typename: "Order";
  id: string; num: number; name: string; email: string | null; phone: string | null;
  customerId: string | null;
  billingAddress: Address | null; shippingAddress: Address | null;
  note: string | null; tags: string[];
  createdAt: number; updatedAt: number; processedAt: number;
  lineItems: any[];
  currencyCode: string; totalPrice: string;
}

export const gidNum = (gid: string | number | null | undefined): number => {
  if (gid == null) return NaN;
  const m = String(gid).match(/(\d+)(?:\?.*)?$/);
  return m ? Number(m[1]) : NaN;
};
export const gidType = (gid: string): string | undefined => gid.match(/^gid:\/\/shopify\/(\w+)\//)?.[1];

/** DateTime as Shopify prints it; milliseconds only when present (the simulator's clock ticks in ms). */
export function iso(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith(".000Z") ? s.slice(0, -5) + "Z" : s;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
export function countryName(code: string | null | undefined): string | null {
  if (!code) return null;
  try { return regionNames.of(code.toUpperCase()) ?? null; } catch { return null; }
}

export const US_STATES: Record<string, string> = {
  AL: "Alabama", AK: "Alaska", AZ: "Arizona", AR: "Arkansas", CA: "California", CO: "Colorado", CT: "Connecticut",
  DE: "Delaware", DC: "District of Columbia", FL: "Florida", GA: "Georgia", HI: "Hawaii", ID: "Idaho", IL: "Illinois",
  IN: "Indiana", IA: "Iowa", KS: "Kansas", KY: "Kentucky", LA: "Louisiana", ME: "Maine", MD: "Maryland",
  MA: "Massachusetts", MI: "Michigan", MN: "Minnesota", MS: "Mississippi", MO: "Missouri", MT: "Montana",
  NE: "Nebraska", NV: "Nevada", NH: "New Hampshire", NJ: "New Jersey", NM: "New Mexico", NY: "New York",
  NC: "North Carolina", ND: "North Dakota", OH: "Ohio", OK: "Oklahoma", OR: "Oregon", PA: "Pennsylvania",
  RI: "Rhode Island", SC: "South Carolina", SD: "South Dakota", TN: "Tennessee", TX: "Texas", UT: "Utah",
  VT: "Vermont", VA: "Virginia", WA: "Washington", WV: "West Virginia", WI: "Wisconsin", WY: "Wyoming",
  PR: "Puerto Rico",
};
export const CA_PROVINCES: Record<string, string> = {
  AB: "Alberta", BC: "British Columbia", MB: "Manitoba", NB: "New Brunswick", NL: "Newfoundland and Labrador",
  NS: "Nova Scotia", ON: "Ontario", PE: "Prince Edward Island", QC: "Quebec", SK: "Saskatchewan",
  NT: "Northwest Territories", NU: "Nunavut", YT: "Yukon",
};
export function provinceName(country: string | null, code: string | null): string | null {
  if (!code) return null;
  if (country === "US") return US_STATES[code.toUpperCase()] ?? null;
  if (country === "CA") return CA_PROVINCES[code.toUpperCase()] ?? null;
  return null;
}

const EMAIL_RE = /^[^@\s"(),:;<>[\\\]]+@[^@\s"(),:;<>[\\\]]+\.[A-Za-z0-9-]{2,}$/;
export const isValidEmail = (e: string) => EMAIL_RE.test(e) && !e.includes("..");

/** Shopify stores phones in E.164. Returns null when the number cannot be dialled. */
export function normalizePhone(raw: string, region?: string | null): string | null {
  const p = parsePhoneNumberFromString(raw.trim(), (region || undefined) as CountryCode | undefined);
  if (!p || !p.isValid()) return null;
  return p.number;
}

export function tokenize(s: string | null | undefined): string[] {
  if (!s) return [];
  return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

export function emptyAddress(id: string): Address {
  return { id, company: null, firstName: null, lastName: null, address1: null, address2: null, zip: null, city: null,
    countryCodeV2: null, country: null, provinceCode: null, province: null, phone: null };
}

export interface Bucket { size: number; restoreRate: number; available: number; at: number }

export interface Fault { type: string; operation?: string; times: number; ms?: number }

export interface BulkOp {
  __typename: "BulkOperation";
  id: string; num: number; shop: string; query: string; type: "QUERY";
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  createdAt: number; completedAt: number | null;
  objectCount: number; rootObjectCount: number; fileSize: number | null;
  errorCode: string | null; chunks: Buffer[]; built: boolean; polls: number; readyAt: number;
}

export class ShopState {
  customers = new Map<string, Customer>(); // insertion order == ascending id while idClean
  byUpdated = new Map<string, Customer>(); // insertion order == ascending updatedAt while updClean
  idClean = true; updClean = true; maxNum = 0; maxUpdated = 0;
  email = new Map<string, string>(); // lower email -> id
  phone = new Map<string, string>(); // phone -> id
  orders = new Map<string, Order>();
  ordersVersion = 0; orderCounts = new Map<string, number>(); orderCountVersion = "";
  version = 0;
  sortCache = new Map<string, { version: number; arr: Customer[] }>();
  nextCustomer = 7_000_000_000_001; nextAddress = 9_000_000_000_001; nextOrder = 5_000_000_000_001; nextBulk = 100_000_001;
  lastTick = 0;
  requests = { total: 0, byOperation: {} as Record<string, number>, throttled: 0 };
  faults: Fault[] = [];
  searchLagMs = 0;
  bucket: Bucket;
  bulkOps = new Map<string, BulkOp>();
  currentBulk: string | null = null;
  shopId: number;

  constructor(public domain: string, size: number, restoreRate: number, shopId: number) {
    this.bucket = { size, restoreRate, available: size, at: Date.now() };
    this.shopId = shopId;
  }

  /** Monotonic clock: every change gets a strictly later timestamp. */
  tick(): number {
    const t = Math.max(Date.now(), this.lastTick + 1);
    this.lastTick = t;
    return t;
  }

  newCustomerId() { return `gid://shopify/Customer/${this.nextCustomer++}`; }
  newAddressId() { return `gid://shopify/MailingAddress/${this.nextAddress++}`; }
  newOrderId() { return `gid://shopify/Order/${this.nextOrder++}`; }
  seenCustomerNum(n: number) { if (n >= this.nextCustomer) this.nextCustomer = n + 1; }
  seenAddressId(id: string) { const n = gidNum(id); if (n >= this.nextAddress) this.nextAddress = n + 1; }
  seenOrderNum(n: number) { if (n >= this.nextOrder) this.nextOrder = n + 1; }

  /** Inserts or replaces a customer record, keeping every index right. */
  put(c: Customer) {
    const old = this.customers.get(c.id);
    if (old) {
      if (old.email) this.email.delete(old.email.toLowerCase());
      if (old.phone) this.phone.delete(old.phone);
      this.customers.set(c.id, c);
      this.byUpdated.delete(c.id);
    } else {
      if (c.num < this.maxNum) this.idClean = false;
      this.maxNum = Math.max(this.maxNum, c.num);
      this.customers.set(c.id, c);
    }
    if (c.updatedAt < this.maxUpdated) this.updClean = false;
    this.maxUpdated = Math.max(this.maxUpdated, c.updatedAt);
    this.byUpdated.set(c.id, c);
    if (c.email) this.email.set(c.email.toLowerCase(), c.id);
    if (c.phone) this.phone.set(c.phone, c.id);
    c._tok = undefined;
    this.seenCustomerNum(c.num);
    for (const a of c.addresses) this.seenAddressId(a.id);
    this.version++;
  }

  remove(id: string): Customer | undefined {
    const c = this.customers.get(id);
    if (!c) return undefined;
    this.customers.delete(id);
    this.byUpdated.delete(id);
    if (c.email) this.email.delete(c.email.toLowerCase());
    if (c.phone) this.phone.delete(c.phone);
    this.version++;
    return c;
  }

  /** Customers sorted ascending by a sort key (cached per state version). */
  sorted(key: string): Customer[] {
    const k = key === "UPDATED_AT" || key === "CREATED_AT" || key === "NAME" ? key : "ID";
    const hit = this.sortCache.get(k);
    if (hit && hit.version === this.version) return hit.arr;
    let arr: Customer[];
    if (k === "ID") {
      if (!this.idClean) {
        const s = [...this.customers.values()].sort((a, b) => a.num - b.num);
        this.customers = new Map(s.map((c) => [c.id, c]));
        this.idClean = true;
      }
      arr = [...this.customers.values()];
    } else if (k === "UPDATED_AT") {
      if (!this.updClean) {
        const s = [...this.byUpdated.values()].sort((a, b) => a.updatedAt - b.updatedAt || a.num - b.num);
        this.byUpdated = new Map(s.map((c) => [c.id, c]));
        this.updClean = true;
      }
      arr = [...this.byUpdated.values()];
    } else if (k === "CREATED_AT") {
      arr = [...this.customers.values()].sort((a, b) => a.createdAt - b.createdAt || a.num - b.num);
    } else {
      arr = [...this.customers.values()].sort((a, b) => nameKey(a).localeCompare(nameKey(b)) || a.num - b.num);
    }
    this.sortCache.set(k, { version: this.version, arr });
    return arr;
  }

  ordersSorted(key: string): Order[] {
    const arr = [...this.orders.values()];
    if (key === "UPDATED_AT") arr.sort((a, b) => a.updatedAt - b.updatedAt || a.num - b.num);
    else if (key === "CREATED_AT" || key === "PROCESSED_AT") arr.sort((a, b) => a.createdAt - b.createdAt || a.num - b.num);
    else if (key === "ORDER_NUMBER") arr.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }) || a.num - b.num);
    else arr.sort((a, b) => a.num - b.num);
    return arr;
  }

  ordersOf(customerId: string): Order[] {
    return [...this.orders.values()].filter((o) => o.customerId === customerId);
  }
}

export const displayName = (c: Customer) =>
  [c.firstName, c.lastName].filter((s) => s && s.trim()).join(" ").trim() || c.email || c.phone || "";
export const nameKey = (c: Customer) => displayName(c).toLowerCase();

export function sortValue(c: Customer | Order, key: string): number | string {
  if (key === "UPDATED_AT") return c.updatedAt;
  if (key === "CREATED_AT" || key === "PROCESSED_AT") return c.createdAt;
  if (key === "NAME") return nameKey(c as Customer);
  if (key === "ORDER_NUMBER") return (c as Order).name;
  return c.num;
}
