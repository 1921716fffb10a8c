// Turning Shopify's shapes (Admin GraphQL nodes, REST webhook payloads) into the engine's ShopifyCustomer/Order.
import { clean } from "../sync/text";
import type { OrderAddress, ShopifyAddress, ShopifyCustomer, ShopifyOrder } from "./types";

/** Address ids lose Shopify's `?model_name=CustomerAddress` suffix so GraphQL and REST ids compare equal. */
export function addressGid(id: unknown): string {
  if (id === null || id === undefined || id === "") return "";
  const s = String(id);
  if (/^\d+$/.test(s)) return `gid://shopify/MailingAddress/${s}`;
  return s.split("?")[0];
}

export function customerGid(id: unknown): string {
  const s = String(id ?? "");
  return /^\d+$/.test(s) ? `gid://shopify/Customer/${s}` : s;
}

export function orderGid(id: unknown): string {
  const s = String(id ?? "");
  return /^\d+$/.test(s) ? `gid://shopify/Order/${s}` : s;
}

function gqlAddress(a: any): OrderAddress {
  return {
    company: clean(a?.company),
    firstName: clean(a?.firstName),
    lastName: clean(a?.lastName),
    address1: clean(a?.address1),
    address2: clean(a?.address2),
    zip: clean(a?.zip),
    city: clean(a?.city),
    countryCode: clean(a?.countryCodeV2 ?? a?.countryCode).toUpperCase(),
    countryName: clean(a?.country),
    provinceCode: clean(a?.provinceCode),
    provinceName: clean(a?.province),
    phone: clean(a?.phone),
  };
}

function restAddress(a: any): OrderAddress {
  return {
    company: clean(a?.company),
    firstName: clean(a?.first_name),
    lastName: clean(a?.last_name),
    address1: clean(a?.address1),
    address2: clean(a?.address2),
    zip: clean(a?.zip),
    city: clean(a?.city),
    countryCode: clean(a?.country_code).toUpperCase(),
    countryName: clean(a?.country_name ?? a?.country),
    provinceCode: clean(a?.province_code),
    provinceName: clean(a?.province),
    phone: clean(a?.phone),
  };
}

function tags(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(clean).filter(Boolean);
  return clean(v).split(",").map(clean).filter(Boolean);
}

/** A Customer node from Admin GraphQL (paged query, mutation payload, or a bulk line with its children). */
export function customerFromGraphql(n: any, bulkAddresses?: any[]): ShopifyCustomer {
  let list: any[] | null = null;
  let complete = true;
  if (bulkAddresses) list = bulkAddresses;
  else if (n.addressesV2) {
    list = n.addressesV2.nodes ?? (n.addressesV2.edges ?? []).map((e: any) => e.node);
    complete = !n.addressesV2.pageInfo?.hasNextPage;
  } else if (Array.isArray(n.addresses)) list = n.addresses;
  const addresses: ShopifyAddress[] | null = list ? list.map((a) => ({ id: addressGid(a.id), ...gqlAddress(a) })) : null;
  const defaultAddressId =
    n.defaultAddress === undefined ? undefined : n.defaultAddress === null ? null : addressGid(n.defaultAddress.id);
  return {
    id: String(n.id),
    firstName: clean(n.firstName),
    lastName: clean(n.lastName),
    email: clean(n.defaultEmailAddress?.emailAddress ?? n.email),
    phone: clean(n.defaultPhoneNumber?.phoneNumber ?? n.phone),
    state: clean(n.state),
    note: clean(n.note),
    tags: tags(n.tags),
    taxExempt: Boolean(n.taxExempt),
    verifiedEmail: Boolean(n.verifiedEmail),
    emailMarketingState: clean(n.defaultEmailAddress?.marketingState),
    createdAt: n.createdAt ?? null,
    updatedAt: n.updatedAt ?? null,
    addresses,
    addressesComplete: complete,
    defaultAddressId,
  };
}

/**
 * The key of an address Shopify sent without an id, by its customer and its position in the list.
 *
 * Decision (addresses without id): such an address is kept, not skipped. It is the customer's real address — often
 * its only or its default one — and the ERP customer is created from it; skipping it would create the customer
 * without an address, or not at all (noAddress). But nothing can match it to a later version, so its key is only
 * stable while the list is: the same payload again gives the same keys (nothing changes), and a later list with
 * Shopify's ids replaces these rows like any removed address. The key names the customer, so two customers' keyless
 * addresses never share one (the address table's key is per shop), and it is no Shopify gid.
 */
export function keylessAddressId(customerId: string, position: number): string {
  return `noid:${customerId}:${position}`;
}

/** Whether a stored address id is a keyless key: Shopify does not know it, so it must never be sent as an address id. */
export function isKeylessAddressId(id: string): boolean {
  return id === "" || id.startsWith("noid:");
}

/**
 * Customers built from a webhook payload: a copy of the customer as it was when Shopify sent it, stamped in whole
 * seconds (REST). A customer read by GraphQL is what Shopify holds at the time of the read.
 */
const deliveredCopies = new WeakSet<ShopifyCustomer>();

/** Whether the customer is a webhook payload's copy (see `deliveredCopies`), not a read of what Shopify has now. */
export function isDeliveredCopy(c: ShopifyCustomer): boolean {
  return deliveredCopies.has(c);
}

/** A customer object of a REST webhook payload (customers/create|update, or the customer block of an order). */
export function customerFromRest(p: any): ShopifyCustomer {
  const id = p.admin_graphql_api_id ? String(p.admin_graphql_api_id) : customerGid(p.id);
  const list: any[] | null = Array.isArray(p.addresses) ? p.addresses : null;
  const addresses = list ? list.map((a, i) => ({ id: addressGid(a?.id) || keylessAddressId(id, i), ...restAddress(a) })) : null;
  let defaultAddressId: string | null | undefined = undefined;
  if (p.default_address === null) defaultAddressId = null;
  else if (p.default_address) {
    // A default address without id is the list's entry flagged `default` (its keyless key), else none is known.
    defaultAddressId = addressGid(p.default_address.id) || (list && addresses ? addresses[list.findIndex((a) => a?.default)]?.id ?? null : undefined);
  } else if (list && addresses) defaultAddressId = addresses[list.findIndex((a) => a?.default)]?.id ?? null;
  // A payload that only carries default_address still tells us that address exists: keep it without deleting others.
  let finalAddresses = addresses;
  let complete = Boolean(list);
  if (!list && p.default_address) {
    // Without an id it cannot be told apart from the stored ones: it is not added (the stored addresses stay).
    const defaultId = addressGid(p.default_address.id);
    finalAddresses = defaultId ? [{ id: defaultId, ...restAddress(p.default_address) }] : [];
    complete = false;
  }
  const customer: ShopifyCustomer = {
    id,
    firstName: clean(p.first_name),
    lastName: clean(p.last_name),
    email: clean(p.email),
    phone: clean(p.phone),
    state: clean(p.state),
    note: clean(p.note),
    tags: tags(p.tags),
    taxExempt: Boolean(p.tax_exempt),
    verifiedEmail: Boolean(p.verified_email),
    emailMarketingState: clean(p.email_marketing_consent?.state),
    createdAt: p.created_at ?? null,
    updatedAt: p.updated_at ?? null,
    addresses: finalAddresses,
    addressesComplete: complete,
    defaultAddressId,
  };
  deliveredCopies.add(customer);
  return customer;
}

export function orderFromGraphql(n: any): ShopifyOrder {
  return {
    id: String(n.id),
    name: clean(n.name),
    email: clean(n.email),
    phone: clean(n.phone),
    customer: n.customer && (n.customer.firstName !== undefined || n.customer.defaultEmailAddress !== undefined) ? customerFromGraphql(n.customer) : null,
    customerId: n.customer?.id ? String(n.customer.id) : null,
    billingAddress: n.billingAddress ? gqlAddress(n.billingAddress) : null,
    shippingAddress: n.shippingAddress ? gqlAddress(n.shippingAddress) : null,
    createdAt: n.createdAt ?? null,
    updatedAt: n.updatedAt ?? null,
  };
}

export function orderFromRest(p: any): ShopifyOrder {
  // A customer block without an id (`{}`) is no customer: the order is a guest order.
  const customer = p.customer && (p.customer.id || p.customer.admin_graphql_api_id) ? customerFromRest(p.customer) : null;
  return {
    id: p.admin_graphql_api_id ? String(p.admin_graphql_api_id) : orderGid(p.id),
    name: clean(p.name),
    email: clean(p.email ?? p.contact_email),
    phone: clean(p.phone),
    customer,
    customerId: customer?.id ?? null,
    billingAddress: p.billing_address ? restAddress(p.billing_address) : null,
    shippingAddress: p.shipping_address ? restAddress(p.shipping_address) : null,
    createdAt: p.created_at ?? null,
    updatedAt: p.updated_at ?? null,
  };
}
