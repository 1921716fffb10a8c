import type { OrderAddress, ShopifyCustomer } from "../../shopify/types";
import type { SyncContext } from "../context";

export interface MatchInput {
  /** The Shopify customer (for a guest order: a stand-in with the order's email and phone, no id). */
  customer: ShopifyCustomer;
  /** Orders: the billing address. Customers: undefined (the default, else first, address is used). */
  billTo?: OrderAddress | null;
  /** `sync`: the bulk Sync; `order`: order resolution (defaultCustomer mapping gives the shop's default). */
  purpose: "sync" | "order";
}

export interface MatchResult {
  erpCustomerNo: string;
  how: "email" | "phone" | "billTo" | "default";
  /** Bill-to matching: the mirror address that matched (gets its own link). */
  addressId?: string;
  /** Other candidates when several ERP customers matched (ambiguousMatch). */
  others?: string[];
}

export type MatchStrategy = (ctx: SyncContext, input: MatchInput) => MatchResult | null;
