// Deterministic, realistic Shopify stores of any size (customers in the Admin GraphQL / scenario shape).
// Seeded faker fills per-locale pools once; a small seeded PRNG combines them, so 100,000 customers take
// well under a second or two and the same seed always gives the same store.
import { fakerSV, fakerDE, fakerDA, fakerEN_US, fakerEN_GB, fakerFR, fakerNL, type Faker } from "@faker-js/faker";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type Locale = "SE" | "DE" | "DK" | "US" | "GB" | "FR" | "NL";
export const LOCALES: Locale[] = ["SE", "DE", "DK", "US", "GB", "FR", "NL"];

const FAKERS: Record<Locale, Faker> = { SE: fakerSV, DE: fakerDE, DK: fakerDA, US: fakerEN_US, GB: fakerEN_GB, FR: fakerFR, NL: fakerNL };
const COUNTRY: Record<Locale, string> = { SE: "Sweden", DE: "Germany", DK: "Denmark", US: "United States", GB: "United Kingdom", FR: "France", NL: "Netherlands" };
const DOMAINS: Record<Locale, string[]> = {
  SE: ["example.se", "post.example.se"], DE: ["example.de", "mail.example.de"], DK: ["example.dk"], US: ["example.com", "mail.example.com"],
  GB: ["example.co.uk"], FR: ["example.fr"], NL: ["example.nl"],
};
const US_STATES = ["NY", "CA", "TX", "WA", "IL", "MA", "FL", "OR", "CO", "GA", "PA", "MN"];
const US_AREA = ["212", "415", "312", "617", "206", "303", "503", "404", "215", "612", "713", "305"];
const TAGS = ["vip", "wholesale", "newsletter", "retail", "b2b", "pos", "returning", "event-2025"];

/** mulberry32: tiny, fast, seeded. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
    digits: (n: number) => { let s = ""; for (let i = 0; i < n; i++) s += Math.floor(next() * 10); return s; },
  };
}
type Rng = ReturnType<typeof prng>;

interface Pool { first: string[]; last: string[]; streets: string[]; cities: string[]; zips: string[]; companies: string[]; states: string[] }
const poolCache = new Map<string, Pool>();

function pool(locale: Locale, seed: number): Pool {
  const key = `${locale}:${seed}`;
  const hit = poolCache.get(key);
  if (hit) return hit;
  const f = FAKERS[locale];
  f.seed(seed * 31 + LOCALES.indexOf(locale));
  const many = (n: number, g: () => string) => Array.from({ length: n }, g);
  const p: Pool = {
    first: many(300, () => f.person.firstName()),
    last: many(300, () => f.person.lastName()),
    streets: many(200, () => f.location.street()),
    cities: many(150, () => f.location.city()),
    zips: many(200, () => f.location.zipCode()),
    companies: many(120, () => f.company.name()),
    states: locale === "US" ? US_STATES : [],
  };
  poolCache.set(key, p);
  return p;
}

/** A dialable mobile/landline number of the locale, in E.164. */
function phoneFor(locale: Locale, r: Rng): string {
  switch (locale) {
    case "SE": return `+467${r.pick(["0", "2", "3", "6"])}${r.digits(7)}`;
    case "DE": return `+4915${r.pick(["1", "2", "7"])}${r.digits(8)}`;
    case "DK": return `+45${r.pick(["2", "3", "4", "5", "6"])}${r.digits(7)}`;
    case "US": return `+1${r.pick(US_AREA)}${2 + r.int(8)}${r.digits(2)}${r.digits(4)}`.replace(/^(\+1\d{3})(\d)55/, "$1$256");
    case "GB": return `+447${r.pick(["4", "5", "7", "8", "9"])}${r.digits(8)}`;
    case "FR": return `+33${r.pick(["6", "7"])}${r.digits(8)}`;
    case "NL": return `+316${r.digits(8)}`;
  }
}

/** How people type phone numbers in address forms: national formats, spaces, and some junk. */
function messyPhone(locale: Locale, e164: string, r: Rng): string {
  const roll = r.next();
  if (roll < 0.05) return r.pick(["555-555-SHIP", "n/a", "12345", "+00 000", "0"]);
  if (roll < 0.08) return `${e164} ext. ${r.digits(4)}`;
  if (roll < 0.45) {
    const national = e164.replace(/^\+(46|49|45|44|33|31)/, "0").replace(/^\+1/, "");
    return locale === "US" ? `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}` : national.replace(/(\d{3})(\d{3})(\d+)/, "$1 $2 $3");
  }
  return e164;
}

const ascii = (s: string) => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/ß/g, "ss").replace(/ø/g, "o").replace(/æ/g, "ae").replace(/å/g, "a").toLowerCase().replace(/[^a-z0-9]+/g, "");

export interface GenerateOptions {
  count: number;
  seed?: number;
  locales?: Locale[];
  /** First numeric customer id (default 1001). */
  startId?: number;
  startAddressId?: number;
  /** Timestamps are spread over the 3 years before this instant (default 2026-11-01). */
  until?: string;
}

export function generateCustomers(o: GenerateOptions): any[] {
  const seed = o.seed ?? 1;
  const r = prng(seed);
  const locales = o.locales ?? LOCALES;
  const pools = Object.fromEntries(locales.map((l) => [l, pool(l, seed)])) as Record<Locale, Pool>;
  const until = Date.parse(o.until ?? "2026-11-01T00:00:00Z");
  const span = 3 * 365 * 86_400_000;
  const emails = new Set<string>(), phones = new Set<string>();
  let addrId = o.startAddressId ?? 90_001;
  const out: any[] = new Array(o.count);
  for (let i = 0; i < o.count; i++) {
    const loc = locales[r.int(locales.length)];
    const p = pools[loc];
    const first = r.chance(0.03) ? null : r.pick(p.first);
    const last = r.pick(p.last);
    const company = r.chance(0.15) ? r.pick(p.companies) : null;
    let email: string | null = null;
    if (!r.chance(0.05)) {
      const base = r.pick([`${ascii(first ?? "")}.${ascii(last)}`, `${ascii(first ?? "x").slice(0, 1)}${ascii(last)}`, `${ascii(last)}${ascii(first ?? "")}`]).replace(/^\.|\.$/g, "") || "kund";
      const dom = company && r.chance(0.5) ? `${ascii(company).slice(0, 20) || "firma"}.example.test` : r.pick(DOMAINS[loc]);
      email = `${base}@${dom}`;
      for (let n = 2; emails.has(email); n++) email = `${base}${n}@${dom}`;
      if (r.chance(0.03)) email = email.replace(/^./, (c) => c.toUpperCase()); // people type capitals
      emails.add(email.toLowerCase());
    }
    let phone: string | null = null;
    if (r.chance(email ? 0.45 : 0.9)) {
      do phone = phoneFor(loc, r); while (phones.has(phone) || !parsePhoneNumberFromString(phone)?.isValid());
      phones.add(phone);
    }
    if (!first && !email && !phone) phone = null; // still has a last name
    const pos = r.chance(0.1); // point-of-sale customers often have no address at all
    const nAddr = pos ? 0 : 1 + (r.chance(0.25) ? 1 : 0) + (r.chance(0.06) ? 1 : 0);
    const addresses = Array.from({ length: nAddr }, (_, k) => {
      const aloc = k > 0 && r.chance(0.2) ? locales[r.int(locales.length)] : loc;
      const ap = pools[aloc];
      const street = `${r.pick(ap.streets)}${aloc === "US" || aloc === "GB" || aloc === "FR" ? "" : " " + (1 + r.int(120))}`;
      const address1 = aloc === "US" || aloc === "GB" ? `${1 + r.int(999)} ${r.pick(ap.streets)}` : aloc === "FR" ? `${1 + r.int(90)} ${r.pick(ap.streets)}` : street;
      const aphone = phone && r.chance(0.6) ? messyPhone(aloc, phone, r) : r.chance(0.05) ? messyPhone(aloc, phoneFor(aloc, r), r) : null;
      const state = aloc === "US" ? r.pick(ap.states) : null;
      return {
        id: `gid://shopify/MailingAddress/${addrId++}`,
        company: k === 0 ? company : r.chance(0.1) ? r.pick(ap.companies) : null,
        firstName: first, lastName: last,
        address1, address2: r.chance(0.12) ? r.pick(["Lgh 1102", "c/o Berg", "2. OG", "Apt 4B", "Bus 3", "Postboks 45", "Bâtiment C"]) : null,
        zip: r.pick(ap.zips), city: r.pick(ap.cities),
        countryCodeV2: aloc, country: COUNTRY[aloc],
        provinceCode: state, province: state ? US_STATE_NAMES[state] : null,
        phone: aphone,
      };
    });
    const roll = r.next();
    const defaultAddress = nAddr === 0 ? null : roll < 0.02 ? null : roll < 0.1 && nAddr > 1 ? { id: addresses[1].id } : { id: addresses[0].id };
    const createdAt = until - span + Math.floor(r.next() * span);
    const updatedAt = Math.min(until, createdAt + Math.floor(r.next() * (until - createdAt)));
    out[i] = {
      id: `gid://shopify/Customer/${(o.startId ?? 1001) + i}`,
      firstName: first, lastName: last,
      defaultEmailAddress: email ? { emailAddress: email } : null,
      defaultPhoneNumber: phone ? { phoneNumber: phone } : null,
      addresses, defaultAddress,
      note: r.chance(0.05) ? r.pick(["Prefers invoice", "Ring före leverans", "Bitte klingeln", "Gift wrap", "Kundennummer alt: 4711"]) : null,
      tags: r.chance(0.3) ? [r.pick(TAGS), ...(r.chance(0.3) ? [r.pick(TAGS)] : [])].filter((t, k, a) => a.indexOf(t) === k) : [],
      taxExempt: r.chance(0.02),
      state: r.chance(0.7) ? "DISABLED" : r.chance(0.8) ? "ENABLED" : "INVITED",
      createdAt: new Date(createdAt).toISOString(), updatedAt: new Date(updatedAt).toISOString(),
    };
  }
  return out;
}

/** Orders for some of the customers (their default address) plus guest orders. */
export function generateOrders(customers: any[], o: { count: number; seed?: number; guestShare?: number; startId?: number }): any[] {
  const r = prng((o.seed ?? 1) + 7);
  const out: any[] = [];
  for (let i = 0; i < o.count; i++) {
    const guest = r.chance(o.guestShare ?? 0.1) || customers.length === 0;
    const c = guest ? null : customers[r.int(customers.length)];
    const addr = c ? c.addresses.find((a: any) => a.id === c.defaultAddress?.id) ?? c.addresses[0] ?? null : null;
    const { id: _id, ...plain } = addr ?? {};
    const at = Date.parse(c?.updatedAt ?? "2026-10-01T00:00:00Z") + r.int(86_400_000);
    out.push({
      id: `gid://shopify/Order/${(o.startId ?? 820_001) + i}`, name: `#${1001 + i}`,
      email: c ? c.defaultEmailAddress?.emailAddress ?? null : `guest${i}@example.test`, phone: c?.defaultPhoneNumber?.phoneNumber ?? null,
      customer: c ? { id: c.id } : null,
      billingAddress: addr ? plain : guest ? { firstName: "Guest", lastName: `Buyer ${i}`, address1: "1 Market Street", city: "Cork", zip: "T12 X7K2", countryCodeV2: "IE", country: "Ireland" } : null,
      shippingAddress: addr ? plain : null,
      createdAt: new Date(at).toISOString(), updatedAt: new Date(at).toISOString(),
    });
  }
  return out;
}

const US_STATE_NAMES: Record<string, string> = {
  NY: "New York", CA: "California", TX: "Texas", WA: "Washington", IL: "Illinois", MA: "Massachusetts", FL: "Florida",
  OR: "Oregon", CO: "Colorado", GA: "Georgia", PA: "Pennsylvania", MN: "Minnesota",
};
