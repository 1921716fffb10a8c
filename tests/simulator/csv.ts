// Loads the customers CSV that the Shopify admin exports (Customers > Export) into the scenario /
// Admin GraphQL shape, ready for simulator.setCustomers(). Tolerates the older export layout
// (Accepts Marketing, Company, Address1, ..., Country Code) and Excel-protecting apostrophes.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { countryName, provinceName } from "./model.js";

export const SHOPIFY_CUSTOMER_EXPORT_COLUMNS = [
  "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing", "Default Address Company",
  "Default Address Address1", "Default Address Address2", "Default Address City", "Default Address Province Code",
  "Default Address Country Code", "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
  "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags",
] as const;

const ALIASES: Record<string, string> = {
  "id": "customer id", "accepts marketing": "accepts email marketing", "company": "default address company",
  "address1": "default address address1", "address2": "default address address2", "city": "default address city",
  "province code": "default address province code", "country code": "default address country code",
  "zip": "default address zip",
};

const clean = (v: string | undefined): string | null => {
  if (v == null) return null;
  const s = v.trim().replace(/^'/, ""); // Shopify prefixes ids and phones with ' so spreadsheets keep them as text
  return s === "" ? null : s;
};
const yes = (v: string | null) => !!v && /^(yes|true|1|y)$/i.test(v);

export interface CsvCustomer { customer: any; totalSpent: string | null; totalOrders: number }

export function parseShopifyCustomersCsv(text: string, o: { startId?: number; startAddressId?: number } = {}): CsvCustomer[] {
  const rows: Record<string, string>[] = parse(text.replace(/^\uFEFF/, ""), {
    columns: (header: string[]) => header.map((h) => { const k = h.trim().toLowerCase(); return ALIASES[k] ?? k; }),
    skip_empty_lines: true, relax_column_count: true, trim: false,
  });
  let nextId = o.startId ?? 1_000_001;
  let nextAddr = o.startAddressId ?? 2_000_001;
  return rows.map((r) => {
    const num = clean(r["customer id"]);
    const id = num && /^\d+$/.test(num) ? `gid://shopify/Customer/${num}` : `gid://shopify/Customer/${nextId++}`;
    const country = clean(r["default address country code"])?.toUpperCase() ?? null;
    const provinceCode = clean(r["default address province code"]);
    const addrFields = ["default address company", "default address address1", "default address address2", "default address city", "default address zip", "default address phone"];
    const hasAddress = !!country || addrFields.some((k) => clean(r[k]));
    const first = clean(r["first name"]), last = clean(r["last name"]);
    const address = hasAddress ? {
      id: `gid://shopify/MailingAddress/${nextAddr++}`,
      company: clean(r["default address company"]), firstName: first, lastName: last,
      address1: clean(r["default address address1"]), address2: clean(r["default address address2"]),
      zip: clean(r["default address zip"]), city: clean(r["default address city"]),
      countryCodeV2: country, country: countryName(country) ?? clean(r["country"]),
      provinceCode, province: provinceName(country, provinceCode) ?? clean(r["province"]),
      phone: clean(r["default address phone"]),
    } : null;
    const email = clean(r["email"]), phone = clean(r["phone"]);
    return {
      customer: {
        id, firstName: first, lastName: last,
        defaultEmailAddress: email ? { emailAddress: email, marketingState: yes(clean(r["accepts email marketing"])) ? "SUBSCRIBED" : "NOT_SUBSCRIBED" } : null,
        defaultPhoneNumber: phone ? { phoneNumber: phone } : null,
        addresses: address ? [address] : [],
        defaultAddress: address ? { id: address.id } : null,
        note: clean(r["note"]),
        tags: (clean(r["tags"]) ?? "").split(",").map((t) => t.trim()).filter(Boolean),
        taxExempt: yes(clean(r["tax exempt"])),
      },
      totalSpent: clean(r["total spent"]),
      totalOrders: Number(clean(r["total orders"]) ?? 0) || 0,
    };
  });
}

export function loadShopifyCustomersCsv(path: string, o?: { startId?: number; startAddressId?: number }): any[] {
  return parseShopifyCustomersCsv(readFileSync(path, "utf8"), o).map((x) => x.customer);
}
