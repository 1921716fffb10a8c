// Every Admin GraphQL operation the app sends, each with the gateway call that runs it.
import { customerFromGraphql, orderFromGraphql } from "./adapters";
import type { ShopifyGateway } from "./gateway";
import type { ShopifyCustomer, ShopifyOrder } from "./types";

/** Addresses fetched per customer in paged reads; a longer list is marked incomplete (nothing is deleted). */
const ADDRESSES_PER_CUSTOMER = 10;

export const ADDRESS_FIELDS = `id company firstName lastName address1 address2 zip city countryCodeV2 country provinceCode province phone`;
export const CUSTOMER_SCALARS = `id firstName lastName note tags taxExempt state verifiedEmail createdAt updatedAt
  defaultEmailAddress { emailAddress marketingState }
  defaultPhoneNumber { phoneNumber }
  defaultAddress { id }`;
export const CUSTOMER_FIELDS = `${CUSTOMER_SCALARS}
  addressesV2(first: ${ADDRESSES_PER_CUSTOMER}) { nodes { ${ADDRESS_FIELDS} } pageInfo { hasNextPage } }`;

/** Static cost of one customer node above, as Shopify computes it (objects 1, connection 2 + first × node). */
export const CUSTOMER_NODE_COST = 1 + 1 + 1 + 1 + (2 + ADDRESSES_PER_CUSTOMER * 1 + 1);
const MAX_QUERY_COST = 1000;
export const CUSTOMER_PAGE_SIZE = Math.min(250, Math.floor((MAX_QUERY_COST - 2 - 1) / CUSTOMER_NODE_COST));

export function updatedSinceQuery(since: Date | null): string {
  return since ? `updated_at:>='${since.toISOString()}'` : "";
}

const COUNT = `query CustomersCount($query: String) { customersCount(query: $query, limit: null) { count precision } }`;

export async function countCustomers(gw: ShopifyGateway, query: string): Promise<number> {
  const data = await gw.request(COUNT, { query: query || null }, { expectedCost: 1 });
  return Number(data.customersCount?.count ?? 0);
}

const PAGE = `query CustomersPage($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ${CUSTOMER_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Paged read of customers changed since a time, oldest change first, up to CUSTOMER_PAGE_SIZE a page. */
export async function* customersPaged(gw: ShopifyGateway, query: string): AsyncGenerator<ShopifyCustomer[]> {
  let after: string | null = null;
  const expectedCost = 2 + CUSTOMER_PAGE_SIZE * CUSTOMER_NODE_COST;
  for (;;) {
    const data: any = await gw.request(PAGE, { first: CUSTOMER_PAGE_SIZE, after, query: query || null }, { expectedCost });
    const conn = data.customers;
    yield (conn.nodes as any[]).map((n) => customerFromGraphql(n));
    if (!conn.pageInfo.hasNextPage) return;
    after = conn.pageInfo.endCursor;
  }
}

const ONE = `query Customer($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`;
export async function getCustomer(gw: ShopifyGateway, id: string): Promise<ShopifyCustomer | null> {
  const data = await gw.request(ONE, { id }, { expectedCost: CUSTOMER_NODE_COST });
  return data.customer ? customerFromGraphql(data.customer) : null;
}

const BY_IDENTIFIER = `query CustomerByIdentifier($identifier: CustomerIdentifierInput!) {
  customerByIdentifier(identifier: $identifier) { ${CUSTOMER_FIELDS} }
}`;
const BY_IDENTIFIER_LIGHT = `query CustomerIdByIdentifier($identifier: CustomerIdentifierInput!) {
  customerByIdentifier(identifier: $identifier) { id defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
}`;

/** Exact lookup by email (Shopify compares case-insensitively) or by E.164 phone, with all fields. */
export async function customerByIdentifier(
  gw: ShopifyGateway,
  identifier: { emailAddress: string } | { phoneNumber: string },
): Promise<ShopifyCustomer | null> {
  const data = await gw.request(BY_IDENTIFIER, { identifier }, { expectedCost: CUSTOMER_NODE_COST });
  return data.customerByIdentifier ? customerFromGraphql(data.customerByIdentifier) : null;
}

/** The same lookup for existence only (3 points instead of a full customer): id, email and phone. */
export async function customerIdByIdentifier(
  gw: ShopifyGateway,
  identifier: { emailAddress: string } | { phoneNumber: string },
): Promise<{ id: string; email: string; phone: string } | null> {
  const data = await gw.request(BY_IDENTIFIER_LIGHT, { identifier }, { expectedCost: 3 });
  const c = data.customerByIdentifier;
  return c ? { id: String(c.id), email: c.defaultEmailAddress?.emailAddress ?? "", phone: c.defaultPhoneNumber?.phoneNumber ?? "" } : null;
}

export interface UserError {
  field: string[] | null;
  message: string;
}

export interface MailingAddressInput {
  company?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  address1?: string | null;
  address2?: string | null;
  zip?: string | null;
  city?: string | null;
  countryCode?: string | null;
  provinceCode?: string | null;
  phone?: string | null;
}

export interface CustomerInput {
  id?: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  addresses?: MailingAddressInput[];
}

const CREATE = `mutation CustomerCreate($input: CustomerInput!) {
  customerCreate(input: $input) { customer { ${CUSTOMER_FIELDS} } userErrors { field message } }
}`;
const UPDATE = `mutation CustomerUpdate($input: CustomerInput!) {
  customerUpdate(input: $input) { customer { ${CUSTOMER_FIELDS} } userErrors { field message } }
}`;
const ADDRESS_UPDATE = `mutation CustomerAddressUpdate($customerId: ID!, $addressId: ID!, $address: MailingAddressInput!) {
  customerAddressUpdate(customerId: $customerId, addressId: $addressId, address: $address, setAsDefault: true) {
    address { id } userErrors { field message }
  }
}`;
const ADDRESS_CREATE = `mutation CustomerAddressCreate($customerId: ID!, $address: MailingAddressInput!) {
  customerAddressCreate(customerId: $customerId, address: $address, setAsDefault: true) {
    address { id } userErrors { field message }
  }
}`;
const INVITE = `mutation CustomerInvite($customerId: ID!) {
  customerSendAccountInviteEmail(customerId: $customerId) { customer { id } userErrors { field message } }
}`;

const MUTATION_COST = 10 + CUSTOMER_NODE_COST;

export interface MutationResult {
  customer: ShopifyCustomer | null;
  userErrors: UserError[];
}

export async function customerCreate(gw: ShopifyGateway, input: CustomerInput): Promise<MutationResult> {
  const data = await gw.request(CREATE, { input }, { expectedCost: MUTATION_COST, mutation: true });
  const p = data.customerCreate;
  return { customer: p.customer ? customerFromGraphql(p.customer) : null, userErrors: p.userErrors ?? [] };
}

export async function customerUpdate(gw: ShopifyGateway, input: CustomerInput): Promise<MutationResult> {
  const data = await gw.request(UPDATE, { input }, { expectedCost: MUTATION_COST, mutation: true });
  const p = data.customerUpdate;
  return { customer: p.customer ? customerFromGraphql(p.customer) : null, userErrors: p.userErrors ?? [] };
}

export async function customerAddressUpsert(
  gw: ShopifyGateway,
  customerId: string,
  addressId: string | null,
  address: MailingAddressInput,
): Promise<{ addressId: string | null; userErrors: UserError[] }> {
  if (addressId) {
    const data = await gw.request(ADDRESS_UPDATE, { customerId, addressId, address }, { expectedCost: 11, mutation: true });
    const p = data.customerAddressUpdate;
    return { addressId: p.address?.id ?? null, userErrors: p.userErrors ?? [] };
  }
  const data = await gw.request(ADDRESS_CREATE, { customerId, address }, { expectedCost: 11, mutation: true });
  const p = data.customerAddressCreate;
  return { addressId: p.address?.id ?? null, userErrors: p.userErrors ?? [] };
}

export async function sendAccountInvite(gw: ShopifyGateway, customerId: string): Promise<UserError[]> {
  const data = await gw.request(INVITE, { customerId }, { expectedCost: 11, mutation: true });
  return data.customerSendAccountInviteEmail?.userErrors ?? [];
}

// Orders ------------------------------------------------------------------------------------------------------

const ORDER_ADDRESS = `company firstName lastName address1 address2 zip city countryCodeV2 country provinceCode province phone`;
const ORDER_FIELDS = `id name email phone createdAt updatedAt
  customer { ${CUSTOMER_FIELDS} }
  billingAddress { ${ORDER_ADDRESS} }
  shippingAddress { ${ORDER_ADDRESS} }`;
const ORDER_NODE_COST = 1 + (1 + CUSTOMER_NODE_COST) + 1 + 1;
const ORDER_PAGE_SIZE = Math.min(250, Math.floor((MAX_QUERY_COST - 3) / ORDER_NODE_COST));

const ORDERS_PAGE = `query OrdersPage($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ${ORDER_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export async function* ordersPaged(gw: ShopifyGateway, query: string): AsyncGenerator<ShopifyOrder[]> {
  let after: string | null = null;
  for (;;) {
    const data: any = await gw.request(
      ORDERS_PAGE,
      { first: ORDER_PAGE_SIZE, after, query: query || null },
      { expectedCost: 2 + ORDER_PAGE_SIZE * ORDER_NODE_COST },
    );
    const conn = data.orders;
    yield (conn.nodes as any[]).map(orderFromGraphql);
    if (!conn.pageInfo.hasNextPage) return;
    after = conn.pageInfo.endCursor;
  }
}

// Bulk operations ----------------------------------------------------------------------------------------------

const BULK_RUN = `mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) { bulkOperation { id status } userErrors { field message } }
}`;
const BULK_STATUS = `query BulkStatus($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl } }`;

export function bulkCustomersQuery(query: string): string {
  const arg = query ? `(query: ${JSON.stringify(query)})` : "";
  return `{ customers${arg} { edges { node { ${CUSTOMER_SCALARS}
    addressesV2 { edges { node { ${ADDRESS_FIELDS} } } } } } } }`;
}

export async function startBulkQuery(gw: ShopifyGateway, inner: string): Promise<string> {
  const data = await gw.request(BULK_RUN, { query: inner }, { expectedCost: 10 });
  const p = data.bulkOperationRunQuery;
  if (p.userErrors?.length) throw new Error(`Shopify refused the bulk read: ${p.userErrors.map((e: UserError) => e.message).join("; ")}`);
  return p.bulkOperation.id;
}

export async function pollBulk(gw: ShopifyGateway, id: string): Promise<{ status: string; url: string | null; errorCode: string | null; objectCount: number }> {
  const data = await gw.request(BULK_STATUS, { id }, { expectedCost: 1 });
  const b = data.bulkOperation;
  return { status: b.status, url: b.url ?? null, errorCode: b.errorCode ?? null, objectCount: Number(b.objectCount ?? 0) };
}
