// Filling ERP customer fields from a Shopify customer (spec §6), for a new customer and for an update.
import { ERP_CUSTOMER_TEXT_FIELDS, type ErpCustomer, type ErpTextField } from "../erp/fields";
import type { OrderAddress, ShopifyCustomer } from "../shopify/types";
import type { LogCode } from "./codes";
import type { SyncContext } from "./context";
import { countyFromProvince, taxAreaFor } from "./county";
import { buildNames, ensureName } from "./names";
import { charLength, clean, cut, hasDigit } from "./text";

export interface FieldNote {
  code: LogCode;
  message: string;
}

/** The address a customer is created/updated from: the default one, else the first. */
export function billToAddress<A extends { id: string }>(c: { addresses: A[] | null; defaultAddressId: string | null | undefined }): A | null {
  const list = c.addresses ?? [];
  if (!list.length) return null;
  if (c.defaultAddressId) {
    const d = list.find((a) => a.id === c.defaultAddressId);
    if (d) return d;
  }
  return list[0];
}

/** Put a value into a field, cutting it at the field's length with a `truncated` note. */
export function setText(target: Partial<ErpCustomer>, field: ErpTextField, value: string, notes: FieldNote[]) {
  const max = ERP_CUSTOMER_TEXT_FIELDS[field];
  const v = clean(value);
  if (charLength(v) <= max) {
    (target as any)[field] = v;
    return;
  }
  const { kept, rest } = cut(v, max);
  (target as any)[field] = clean(kept);
  notes.push({ code: "truncated", message: `${field} was longer than ${max} characters and was cut: "${clean(rest)}" did not fit.` });
}

export interface FillResult {
  fields: Partial<ErpCustomer>;
  notes: FieldNote[];
  iso: string;
}

/**
 * The ERP values Shopify gives. `mode = "create"`: every field and the never-empty name chain.
 * `mode = "update"`: empty Shopify email/phone never blank ERP values, the address block only when Shopify has an
 * address, names only when the built value is not empty.
 */
export function fieldsFromShopify(
  ctx: SyncContext,
  customer: ShopifyCustomer,
  address: OrderAddress | null,
  mode: "create" | "update",
): FillResult {
  const notes: FieldNote[] = [];
  const f: Partial<ErpCustomer> = {};
  const s = ctx.settings;
  const parts = {
    company: clean(address?.company),
    firstName: clean(address?.firstName) || customer.firstName,
    lastName: clean(address?.lastName) || customer.lastName,
  };
  let names = buildNames(s, parts);
  // A phone with no digit ("n/a", "-") is no phone.
  const phone = [clean(address?.phone), clean(customer.phone)].find((p) => p && hasDigit(p)) ?? "";
  if (mode === "create") {
    names = ensureName(names, customer.email, phone, customer.id);
    setText(f, "name", names.name, notes);
    setText(f, "name2", names.name2, notes);
    setText(f, "contact", names.contact, notes);
  } else {
    if (names.name) {
      setText(f, "name", names.name, notes);
      setText(f, "name2", names.name2, notes);
    }
    if (names.contact) setText(f, "contact", names.contact, notes);
  }

  let iso = "";
  if (address) {
    // An address line too long for `address` continues in `address2` when that is empty.
    const line1 = clean(address.address1);
    const line2 = clean(address.address2);
    if (charLength(line1) > ERP_CUSTOMER_TEXT_FIELDS.address && !line2) {
      const { kept, rest } = cut(line1, ERP_CUSTOMER_TEXT_FIELDS.address);
      f.address = clean(kept);
      setText(f, "address2", rest, notes);
      notes.push({ code: "truncated", message: `address was longer than 100 characters: the rest went to address 2.` });
    } else {
      setText(f, "address", line1, notes);
      setText(f, "address2", line2, notes);
    }
    setText(f, "postCode", address.zip, notes);
    setText(f, "city", address.city, notes);
    iso = clean(address.countryCode).toUpperCase();
    if (iso) {
      const erpCode = ctx.erpCodeByIso.get(iso);
      if (erpCode) f.countryCode = erpCode;
      else {
        setText(f, "countryCode", iso, notes);
        notes.push({ code: "unknownCountry", message: `No ERP country has ISO code ${iso}; the ISO code was used as the country code.` });
      }
    } else {
      f.countryCode = "";
    }
    setText(f, "county", countyFromProvince(s.countySource, address.provinceCode, address.provinceName), notes);
    const tax = taxAreaFor(ctx.taxAreas, iso, address.provinceCode, address.provinceName);
    if (tax) {
      if (clean(tax.taxAreaCode)) {
        f.taxAreaCode = clean(tax.taxAreaCode);
        f.taxLiable = Boolean(tax.taxLiable);
      }
      if (clean(tax.vatBusPostingGroup)) f.vatBusPostingGroup = clean(tax.vatBusPostingGroup);
    }
  } else if (mode === "create") {
    f.countryCode = ctx.company.countryCode;
  }

  if (phone) setText(f, "phoneNo", phone, notes);
  if (customer.email) setText(f, "email", customer.email, notes);
  return { fields: f, notes, iso };
}

/** Which fields an update would really change. */
export function changedFields(current: ErpCustomer, next: Partial<ErpCustomer>): Partial<ErpCustomer> {
  const out: Partial<ErpCustomer> = {};
  for (const [k, v] of Object.entries(next)) {
    if ((current as any)[k] !== v) (out as any)[k] = v;
  }
  return out;
}
