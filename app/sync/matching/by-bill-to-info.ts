// byBillToInfo (spec §4.3): the bill-to's name, name 2 (as the sources build them), address, address 2, post code,
// city and country must equal an ERP customer's, ignoring case and repeated spaces.
import type { OrderAddress } from "../../shopify/types";
import type { SyncContext } from "../context";
import { billToAddress } from "../erp-fields";
import { looseKey } from "../erp-index";
import { buildNames } from "../names";
import { clean, looseEqual } from "../text";
import { byEmailPhone } from "./by-email-phone";
import type { MatchStrategy } from "./types";

export function billToKey(ctx: SyncContext, a: OrderAddress, fallbackNames: { firstName: string; lastName: string }) {
  const names = buildNames(ctx.settings, {
    company: a.company,
    firstName: clean(a.firstName) || fallbackNames.firstName,
    lastName: clean(a.lastName) || fallbackNames.lastName,
  });
  const iso = clean(a.countryCode).toUpperCase();
  const country = ctx.erpCodeByIso.get(iso) ?? iso;
  return { key: looseKey([names.name, names.name2, a.address1, a.address2, a.zip, a.city, country]), names };
}

export function sameAddress(a: OrderAddress, b: OrderAddress): boolean {
  return (["company", "firstName", "lastName", "address1", "address2", "zip", "city", "countryCode"] as const).every((k) =>
    looseEqual(a[k], b[k]),
  );
}

export const byBillToInfo: MatchStrategy = (ctx, input) => {
  const { customer } = input;
  const fromCustomer = billToAddress(customer);
  const billTo: OrderAddress | null = input.billTo ?? fromCustomer;
  // An order without a bill-to (or one without names, below) is matched by email and phone (spec §4.5).
  if (!billTo) return input.purpose === "order" ? byEmailPhone(ctx, input) : null;
  const { key, names } = billToKey(ctx, billTo, customer);
  // An order whose bill-to carries no name is matched by email and phone instead (spec §4.5).
  if (input.purpose === "order" && !names.name && !names.name2) return byEmailPhone(ctx, input);
  const hits = ctx.erp.findByBillTo(key);
  if (!hits.length) return null;
  let addressId: string | undefined;
  if (input.billTo) addressId = (customer.addresses ?? []).find((a) => sameAddress(a, billTo))?.id;
  else addressId = fromCustomer?.id;
  return { erpCustomerNo: hits[0], how: "billTo", addressId, others: hits.slice(1) };
};
