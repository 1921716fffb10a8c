// byEmailPhone (spec §4.2): email first (trimmed, case-insensitive, any of the ERP field's addresses), then phone
// compared in E.164 with the last-9-digits fallback. Several candidates: the lowest number wins (ambiguousMatch).
import { billToAddress } from "../erp-fields";
import { companyIso } from "../context";
import { phoneKey, phonesMatch } from "../phone";
import { clean } from "../text";
import type { MatchStrategy } from "./types";

export const byEmailPhone: MatchStrategy = (ctx, { customer }) => {
  const email = clean(customer.email);
  if (email) {
    const hits = ctx.erp.findByEmail(email);
    if (hits.length) return { erpCustomerNo: hits[0], how: "email", others: hits.slice(1) };
  }
  const address = billToAddress(customer);
  const phone = clean(customer.phone) || clean(address?.phone);
  if (!phone) return null;
  const region = clean(address?.countryCode) || companyIso(ctx);
  const hits = ctx.erp.findByPhone(phoneKey(phone, region), phonesMatch);
  if (hits.length) return { erpCustomerNo: hits[0], how: "phone", others: hits.slice(1) };
  return null;
};
