// The one shape in which the engine sees a Shopify customer, whatever brought it (paged query, bulk JSONL,
// webhook payload). Adapters in adapters.ts build it.
export interface ShopifyAddress {
  id: string;
  company: string;
  firstName: string;
  lastName: string;
  address1: string;
  address2: string;
  zip: string;
  city: string;
  countryCode: string;
  countryName: string;
  provinceCode: string;
  provinceName: string;
  phone: string;
}

export interface ShopifyCustomer {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  state: string;
  note: string;
  tags: string[];
  taxExempt: boolean;
  verifiedEmail: boolean;
  emailMarketingState: string;
  createdAt: string | null;
  updatedAt: string | null;
  /** null: the payload carried no address list (keep what is stored); []: the customer has none. */
  addresses: ShopifyAddress[] | null;
  /** True when the list is known to be complete (so missing addresses may be removed). */
  addressesComplete: boolean;
  /** null: no default address; undefined: the payload did not say. */
  defaultAddressId: string | null | undefined;
}

/** An order address block (MailingAddress without id). */
export type OrderAddress = Omit<ShopifyAddress, "id">;

export interface ShopifyOrder {
  id: string;
  name: string;
  email: string;
  phone: string;
  customer: ShopifyCustomer | null;
  customerId: string | null;
  billingAddress: OrderAddress | null;
  shippingAddress: OrderAddress | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** A customer with every field empty, to be filled from `over` (guest orders, tests). */
export function blankCustomer(over: Partial<ShopifyCustomer> = {}): ShopifyCustomer {
  return {
    id: "",
    firstName: "",
    lastName: "",
    email: "",
    phone: "",
    state: "",
    note: "",
    tags: [],
    taxExempt: false,
    verifiedEmail: false,
    emailMarketingState: "",
    createdAt: null,
    updatedAt: null,
    addresses: [],
    addressesComplete: true,
    defaultAddressId: null,
    ...over,
  };
}
