// defaultCustomer (spec §4.4): orders go to the shop's default customer; the bulk Sync links and creates none.
import type { MatchStrategy } from "./types";

export const defaultCustomer: MatchStrategy = (ctx, input) => {
  if (input.purpose !== "order") return null;
  const no = ctx.settings.defaultCustomerNo;
  return no && ctx.erp.has(no) ? { erpCustomerNo: no, how: "default" } : null;
};
