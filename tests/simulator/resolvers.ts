// Field resolvers for the parts of the Admin API the simulator implements. graphql-js executes the
// request against the real schema; every field not listed here falls back to a property of the source
// object (and null when absent).
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import {
  type Address, type Customer, type Order, type ShopState, type BulkOp,
  displayName, iso, gidNum, gidType, sortValue,
} from "./model.js";
import { parseSearch, matchCustomer, matchOrder, exactLookup } from "./search.js";
import * as ops from "./ops.js";

export interface ExecContext {
  shop: ShopState;
  now: number;
  /**
   * Bulk export: nested connections return everything. The first pass captures the root connection's
   * full (filtered, sorted) list in rootItems; later passes page through it by rootSlice.
   */
  bulk?: { rootItems?: any[]; rootSlice: [number, number] };
  events: { topic: string; id: string; payload?: any }[];
  sim: {
    runBulkQuery(shop: ShopState, query: string, groupObjects: boolean): { op?: BulkOp; errors: { field: string[] | null; message: string; code: string }[] };
    pollBulk(shop: ShopState, op: BulkOp): BulkOp;
    bulkUrl(op: BulkOp): string;
  };
}

type R = (src: any, args: any, ctx: ExecContext, info: GraphQLResolveInfo) => unknown;

const MAX_PAGE = 250;

// ---------- connections ----------

const encodeCursor = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString("base64url");
function decodeCursor(c: string): unknown[] {
  try { const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8")); if (Array.isArray(v)) return v; } catch { /* fallthrough */ }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

function cmpKey(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as any, y = b[i] as any;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

interface ConnArgs { first?: number | null; last?: number | null; after?: string | null; before?: string | null; reverse?: boolean | null }

function checkPaging(args: ConnArgs, info: GraphQLResolveInfo, ctx: ExecContext) {
  if (ctx.bulk) return;
  if (args.first == null && args.last == null)
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  if (args.first != null && args.last != null)
    throw new GraphQLError("providing both first and last is not supported", { extensions: { code: "BAD_REQUEST" } });
  const n = (args.first ?? args.last)!;
  if (n < 0) throw new GraphQLError(`${args.first != null ? "first" : "last"} must be a positive number`);
  if (n > MAX_PAGE) throw new GraphQLError(`The ${args.first != null ? "first" : "last"} argument on the ${info.fieldName} field exceeds the maximum page size of ${MAX_PAGE}`, { extensions: { code: "MAX_PAGE_SIZE_EXCEEDED" } });
}

/**
 * Pages over `items` (ascending by keyOf) filtered by `pred`, scanning only as far as needed.
 * Cursors carry the sort key of the item, so they stay valid while other items change.
 */
export function paginate<T>(items: T[], keyOf: (x: T) => unknown[], args: ConnArgs, pred?: (x: T) => boolean, all = false) {
  const rev = !!args.reverse;
  const n = items.length;
  const at = (i: number) => items[rev ? n - 1 - i : i];
  const cmp = (a: unknown[], b: unknown[]) => (rev ? -cmpKey(a, b) : cmpKey(a, b));
  // first index (in iteration order) strictly after the cursor
  const lower = (cur: unknown[]) => {
    let lo = 0, hi = n;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cmp(keyOf(at(m)), cur) <= 0) lo = m + 1; else hi = m; }
    return lo;
  };
  const upper = (cur: unknown[]) => { // first index not before the cursor
    let lo = 0, hi = n;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cmp(keyOf(at(m)), cur) < 0) lo = m + 1; else hi = m; }
    return lo;
  };
  let start = args.after ? lower(decodeCursor(args.after)) : 0;
  let end = args.before ? upper(decodeCursor(args.before)) : n; // exclusive
  const ok = (i: number) => !pred || pred(at(i));
  const picked: number[] = [];
  let hasNext = false, hasPrev = false;
  if (args.last != null && !all) {
    for (let i = end - 1; i >= start; i--) {
      if (!ok(i)) continue;
      if (picked.length === args.last) { hasPrev = true; break; }
      picked.push(i);
    }
    picked.reverse();
    if (args.before) for (let i = end; i < n; i++) if (ok(i)) { hasNext = true; break; }
  } else {
    const limit = all ? Infinity : args.first ?? Infinity;
    for (let i = start; i < end; i++) {
      if (!ok(i)) continue;
      if (picked.length === limit) { hasNext = true; break; }
      picked.push(i);
    }
    if (args.after) for (let i = start - 1; i >= 0; i--) if (ok(i)) { hasPrev = true; break; }
  }
  const nodes = picked.map(at);
  // cursors are computed only when asked for (bulk exports never do)
  const edges = nodes.map((node) => ({ node, cursor: () => encodeCursor(keyOf(node)) }));
  return {
    nodes, edges,
    pageInfo: {
      hasNextPage: hasNext, hasPreviousPage: hasPrev,
      startCursor: () => (nodes.length ? encodeCursor(keyOf(nodes[0])) : null),
      endCursor: () => (nodes.length ? encodeCursor(keyOf(nodes[nodes.length - 1])) : null),
    },
  };
}

const listConnection = <T extends { id: string }>(items: T[], args: ConnArgs, ctx: ExecContext, info: GraphQLResolveInfo) => {
  checkPaging(args, info, ctx);
  const idx = new Map(items.map((x, i) => [x.id, i]));
  return paginate(items, (x) => [idx.get(x.id)!], args, undefined, !!ctx.bulk);
};

function searchVisible(ctx: ExecContext, c: Customer): boolean {
  const lag = ctx.shop.searchLagMs;
  return !lag || ctx.now - c.lastWriteAt >= lag;
}

function customerConnection(args: any, ctx: ExecContext, info: GraphQLResolveInfo) {
  checkPaging(args, info, ctx);
  const shop = ctx.shop;
  const sortKey = args.sortKey === "RELEVANCE" || !args.sortKey ? "ID" : args.sortKey;
  const q = args.query ? parseSearch(String(args.query)) : null;
  const keyOf = (c: Customer) => [sortValue(c, sortKey), c.num];
  let items: Customer[];
  const exact = exactLookup(q);
  if (exact) {
    const id = shop.email.get(exact.value);
    items = id ? [shop.customers.get(id)!] : [];
  } else items = shop.sorted(sortKey);
  if (ctx.bulk && info.path.prev === undefined) {
    if (!ctx.bulk.rootItems) ctx.bulk.rootItems = q ? items.filter((c) => matchCustomer(q, c)) : items.slice();
    const [a, b] = ctx.bulk.rootSlice;
    return paginate(ctx.bulk.rootItems.slice(a, b), keyOf, {}, undefined, true);
  }
  const pred = q ? (c: Customer) => searchVisible(ctx, c) && matchCustomer(q, c) : undefined;
  return paginate(items, keyOf, args, pred, !!ctx.bulk);
}

function orderConnection(args: any, ctx: ExecContext, info: GraphQLResolveInfo, only?: (o: Order) => boolean) {
  checkPaging(args, info, ctx);
  const sortKey = args.sortKey ?? "ID";
  const q = args.query ? parseSearch(String(args.query)) : null;
  let items = ctx.shop.ordersSorted(sortKey);
  if (only) items = items.filter(only);
  const keyOf = (o: Order) => [sortValue(o, sortKey), o.num];
  if (ctx.bulk && info.path.prev === undefined) {
    if (!ctx.bulk.rootItems) ctx.bulk.rootItems = q ? items.filter((o) => matchOrder(q, o)) : items.slice();
    const [a, b] = ctx.bulk.rootSlice;
    return paginate(ctx.bulk.rootItems.slice(a, b), keyOf, {}, undefined, true);
  }
  return paginate(items, keyOf, args, q ? (o) => matchOrder(q, o) : undefined, !!ctx.bulk);
}

// ---------- node lookup ----------

function findNode(ctx: ExecContext, id: string): any {
  const shop = ctx.shop;
  switch (gidType(id)) {
    case "Customer": return shop.customers.get(id) ?? null;
    case "Order": return shop.orders.get(id) ?? null;
    case "MailingAddress": {
      const n = gidNum(id);
      for (const c of shop.customers.values()) for (const a of c.addresses) if (gidNum(a.id) === n) return { ...a, __typename: "MailingAddress" };
      return null;
    }
    case "BulkOperation": {
      const op = shop.bulkOps.get(id);
      return op ? ctx.sim.pollBulk(shop, op) : null;
    }
    default: return null;
  }
}

function checkGid(id: string, type: string) {
  if (!/^gid:\/\/shopify\/\w+\/\d+/.test(String(id)))
    throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" } });
  if (type && gidType(id) !== type) return false;
  return true;
}

// ---------- object resolvers ----------

const money = (amount: string, currencyCode = "EUR") => ({ amount, currencyCode });

const CustomerR: Record<string, R> = {
  id: (c) => c.id,
  legacyResourceId: (c) => String(c.num),
  displayName: (c) => displayName(c),
  email: (c) => c.email,
  phone: (c) => c.phone,
  defaultEmailAddress: (c: Customer) => c.email ? {
    __typename: "CustomerEmailAddress", emailAddress: c.email, marketingState: c.emailMarketingState, validFormat: true,
    marketingOptInLevel: c.emailMarketingState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null, marketingUpdatedAt: null,
    openTrackingLevel: "UNKNOWN", marketingUnsubscribeUrl: "https://example.test/unsubscribe", openTrackingUrl: "https://example.test/tracking",
  } : null,
  defaultPhoneNumber: (c: Customer) => c.phone ? {
    __typename: "CustomerPhoneNumber", phoneNumber: c.phone, marketingState: c.smsMarketingState, marketingOptInLevel: null,
    marketingUpdatedAt: null, marketingCollectedFrom: null,
  } : null,
  emailMarketingConsent: (c: Customer) => c.email ? { marketingState: c.emailMarketingState, marketingOptInLevel: null, consentUpdatedAt: null } : null,
  smsMarketingConsent: (c: Customer) => c.phone ? { marketingState: c.smsMarketingState, marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: null, consentCollectedFrom: "OTHER" } : null,
  addresses: (c: Customer, a) => (a.first != null ? c.addresses.slice(0, a.first) : c.addresses),
  addressesV2: (c: Customer, a, ctx, info) => listConnection(c.addresses, a, ctx, info),
  defaultAddress: (c: Customer) => c.addresses.find((a) => a.id === c.defaultAddressId) ?? null,
  createdAt: (c) => iso(c.createdAt),
  updatedAt: (c) => iso(c.updatedAt),
  numberOfOrders: (c: Customer, _a, ctx) => String(countOrders(ctx.shop, c.id)),
  amountSpent: () => money("0.0"),
  canDelete: (c: Customer, _a, ctx) => countOrders(ctx.shop, c.id) === 0,
  tags: (c) => c.tags,
  taxExemptions: () => [],
  dataSaleOptOut: () => false,
  validEmailAddress: (c) => !!c.email,
  hasTimelineComment: () => false,
  lifetimeDuration: (c: Customer) => `${Math.max(0, Math.round((Date.now() - c.createdAt) / 86_400_000))} days`,
  multipassIdentifier: () => null,
  orders: (c: Customer, a, ctx, info) => orderConnection(a, ctx, info, (o) => o.customerId === c.id),
  lastOrder: (c: Customer, _a, ctx) => { const os = ctx.shop.ordersOf(c.id); return os.sort((x, y) => y.createdAt - x.createdAt)[0] ?? null; },
  statistics: () => ({ predictedSpendTier: null, rfmGroup: null }),
  metafield: () => null,
  metafields: (_c, a, ctx, info) => listConnection([], a, ctx, info),
  image: (c: Customer) => ({ __typename: "Image", url: `https://cdn.shopify.com/s/images/avatar/${c.num}.png`, altText: null, id: null, width: 64, height: 64 }),
};

function countOrders(shop: ShopState, id: string) {
  if (shop.orderCountVersion !== shop.orders.size + ":" + shop.ordersVersion) {
    shop.orderCounts = new Map();
    for (const o of shop.orders.values()) if (o.customerId) shop.orderCounts.set(o.customerId, (shop.orderCounts.get(o.customerId) ?? 0) + 1);
    shop.orderCountVersion = shop.orders.size + ":" + shop.ordersVersion;
  }
  return shop.orderCounts.get(id) ?? 0;
}

const AddressR: Record<string, R> = {
  name: (a: Address) => [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
  countryCode: (a: Address) => a.countryCodeV2,
  coordinatesValidated: () => false,
  latitude: () => null, longitude: () => null, timeZone: () => null, validationResultSummary: () => null,
  formattedArea: (a: Address) => [a.city, a.provinceCode ?? a.province, a.country].filter(Boolean).join(", ") || null,
  formatted: (a: Address, args) => {
    const lines: (string | null)[] = [];
    if (args.withName) lines.push([a.firstName, a.lastName].filter(Boolean).join(" ") || null);
    if (args.withCompany !== false) lines.push(a.company);
    lines.push(a.address1, a.address2, [a.zip, a.city].filter(Boolean).join(" ") || null, a.province, a.country);
    return lines.filter((l): l is string => !!l);
  },
};

const OrderR: Record<string, R> = {
  legacyResourceId: (o: Order) => String(o.num),
  customer: (o: Order, _a, ctx) => (o.customerId ? ctx.shop.customers.get(o.customerId) ?? null : null),
  createdAt: (o: Order) => iso(o.createdAt),
  updatedAt: (o: Order) => iso(o.updatedAt),
  processedAt: (o: Order) => iso(o.processedAt),
  displayAddress: (o: Order) => o.billingAddress ?? o.shippingAddress,
  number: (o: Order) => Number(String(o.name).replace(/\D/g, "")) || o.num,
  lineItems: (o: Order, a, ctx, info) => listConnection(o.lineItems.map((l: any, i: number) => ({ id: l.id ?? `gid://shopify/LineItem/${o.num}${i}`, ...l })), a, ctx, info),
  test: () => false, closed: () => false, confirmed: () => true, cancelledAt: () => null,
  currencyCode: (o: Order) => o.currencyCode, presentmentCurrencyCode: (o: Order) => o.currencyCode,
  totalPriceSet: (o: Order) => ({ shopMoney: money(o.totalPrice, o.currencyCode), presentmentMoney: money(o.totalPrice, o.currencyCode) }),
  tags: (o: Order) => o.tags,
  customerAcceptsMarketing: () => false,
  sourceName: () => "web",
};

const BulkR: Record<string, R> = {
  createdAt: (b: BulkOp) => iso(b.createdAt),
  completedAt: (b: BulkOp) => (b.completedAt ? iso(b.completedAt) : null),
  objectCount: (b: BulkOp) => String(b.objectCount),
  rootObjectCount: (b: BulkOp) => String(b.rootObjectCount),
  fileSize: (b: BulkOp) => (b.fileSize == null ? null : String(b.fileSize)),
  url: (b: BulkOp, _a, ctx) => (b.status === "COMPLETED" && b.objectCount > 0 ? ctx.sim.bulkUrl(b) : null),
  partialDataUrl: () => null,
  errorCode: (b: BulkOp) => b.errorCode,
};

// ---------- roots ----------

const withCustomer = (r: { customer?: Customer; errors: any[] }, ctx: ExecContext, topic?: string) => {
  if (r.customer && topic) ctx.events.push({ topic, id: r.customer.id });
  return { customer: r.customer ?? null, userErrors: r.errors };
};

const QueryR: Record<string, R> = {
  customer: (_s, a, ctx) => (checkGid(a.id, "Customer") ? ctx.shop.customers.get(a.id) ?? null : null),
  customers: (_s, a, ctx, info) => customerConnection(a, ctx, info),
  customersCount: (_s, a, ctx) => {
    const q = a.query ? parseSearch(String(a.query)) : null;
    const limit = a.limit === undefined ? 10_000 : a.limit;
    let n = q ? 0 : ctx.shop.customers.size;
    if (q) for (const c of ctx.shop.customers.values()) if (searchVisible(ctx, c) && matchCustomer(q, c)) n++;
    return limit != null && n > limit ? { count: limit, precision: "AT_LEAST" } : { count: n, precision: "EXACT" };
  },
  customerByIdentifier: (_s, a, ctx) => {
    const idf = a.identifier ?? {};
    const shop = ctx.shop;
    if (idf.id != null) return checkGid(idf.id, "Customer") ? shop.customers.get(idf.id) ?? null : null;
    if (idf.emailAddress != null) { const id = shop.email.get(String(idf.emailAddress).trim().toLowerCase()); return id ? shop.customers.get(id) ?? null : null; }
    if (idf.phoneNumber != null) { const id = shop.phone.get(String(idf.phoneNumber).trim()); return id ? shop.customers.get(id) ?? null : null; }
    return null;
  },
  order: (_s, a, ctx) => (checkGid(a.id, "Order") ? ctx.shop.orders.get(a.id) ?? null : null),
  orders: (_s, a, ctx, info) => orderConnection(a, ctx, info),
  ordersCount: (_s, a, ctx) => {
    const q = a.query ? parseSearch(String(a.query)) : null;
    let n = 0;
    for (const o of ctx.shop.orders.values()) if (!q || matchOrder(q, o)) n++;
    return { count: n, precision: "EXACT" };
  },
  node: (_s, a, ctx) => (checkGid(a.id, "") ? findNode(ctx, a.id) : null),
  nodes: (_s, a, ctx) => a.ids.map((id: string) => (checkGid(id, "") ? findNode(ctx, id) : null)),
  bulkOperation: (_s, a, ctx) => { const op = ctx.shop.bulkOps.get(a.id); return op ? ctx.sim.pollBulk(ctx.shop, op) : null; },
  currentBulkOperation: (_s, a, ctx) => {
    if (a.type === "MUTATION") return null;
    const id = ctx.shop.currentBulk;
    const op = id ? ctx.shop.bulkOps.get(id) : undefined;
    return op ? ctx.sim.pollBulk(ctx.shop, op) : null;
  },
  shop: (_s, _a, ctx) => shopObject(ctx.shop),
};

export function shopObject(shop: ShopState) {
  return {
    __typename: "Shop", id: `gid://shopify/Shop/${shop.shopId}`, name: shop.domain.replace(/\.myshopify\.com$/, ""),
    myshopifyDomain: shop.domain, email: `owner@${shop.domain}`, currencyCode: "EUR", ianaTimezone: "Europe/Berlin",
    url: `https://${shop.domain}`, primaryDomain: { host: shop.domain, url: `https://${shop.domain}`, id: `gid://shopify/Domain/${shop.shopId}` },
  };
}

const MutationR: Record<string, R> = {
  customerCreate: (_s, a, ctx) => withCustomer(ops.customerCreate(ctx.shop, a.input), ctx, "customers/create"),
  customerUpdate: (_s, a, ctx) => withCustomer(ops.customerUpdate(ctx.shop, a.input), ctx, "customers/update"),
  customerSet: (_s, a, ctx) => {
    const before = ctx.shop.customers.size;
    const r = ops.customerSet(ctx.shop, a.identifier, a.input);
    return withCustomer(r, ctx, ctx.shop.customers.size > before ? "customers/create" : "customers/update");
  },
  customerDelete: (_s, a, ctx) => {
    const before = ctx.shop.customers.get(a.input.id);
    const r = ops.customerDelete(ctx.shop, a.input.id);
    if (r.deletedId && before) ctx.events.push({ topic: "customers/delete", id: r.deletedId, payload: { id: before.num, admin_graphql_api_id: before.id } });
    return { deletedCustomerId: r.deletedId ?? null, shop: shopObject(ctx.shop), userErrors: r.errors };
  },
  customerAddressCreate: (_s, a, ctx) => {
    const r: any = ops.addressCreate(ctx.shop, a.customerId, a.address, a.setAsDefault);
    if (r.customer) ctx.events.push({ topic: "customers/update", id: r.customer.id });
    return { address: r.address ?? null, userErrors: r.errors };
  },
  customerAddressUpdate: (_s, a, ctx) => {
    const r: any = ops.addressUpdate(ctx.shop, a.customerId, a.addressId, a.address, a.setAsDefault);
    if (r.customer) ctx.events.push({ topic: "customers/update", id: r.customer.id });
    return { address: r.address ?? null, userErrors: r.errors };
  },
  customerAddressDelete: (_s, a, ctx) => {
    const r: any = ops.addressDelete(ctx.shop, a.customerId, a.addressId);
    if (r.customer) ctx.events.push({ topic: "customers/update", id: r.customer.id });
    return { deletedAddressId: r.deletedAddressId ?? null, userErrors: r.errors };
  },
  customerUpdateDefaultAddress: (_s, a, ctx) => withCustomer(ops.updateDefaultAddress(ctx.shop, a.customerId, a.addressId) as any, ctx, "customers/update"),
  customerSendAccountInviteEmail: (_s, a, ctx) => withCustomer(ops.sendInvite(ctx.shop, a.customerId) as any, ctx, "customers/update"),
  bulkOperationRunQuery: (_s, a, ctx) => {
    const r = ctx.sim.runBulkQuery(ctx.shop, a.query, !!a.groupObjects);
    return { bulkOperation: r.op ?? null, userErrors: r.errors };
  },
};

export const resolvers: Record<string, Record<string, R>> = {
  QueryRoot: QueryR, Mutation: MutationR, Customer: CustomerR, MailingAddress: AddressR, Order: OrderR, BulkOperation: BulkR,
};

export function fieldResolver(src: any, args: any, ctx: ExecContext, info: GraphQLResolveInfo): unknown {
  const r = resolvers[info.parentType.name]?.[info.fieldName];
  if (r) return r(src, args, ctx, info);
  if (src == null) return null;
  const v = src[info.fieldName];
  return typeof v === "function" ? v.call(src, args, ctx, info) : v;
}

export function typeResolver(value: any): string | undefined {
  return value?.__typename;
}
