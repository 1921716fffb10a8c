// bulkOperationRunQuery: runs the inner query over all data without pagination limits and writes
// Shopify's JSONL: one line per node, nested connection nodes on their own lines with __parentId.
// Children are deliberately not always right after their parent (Shopify does not guarantee it).
import { Kind, getNamedType, isObjectType, isNonNullType, isListType, isLeafType, valueFromASTUntyped,
  type GraphQLSchema, type SelectionSetNode, type GraphQLNamedType, type GraphQLObjectType, type GraphQLOutputType,
  type GraphQLField, type GraphQLResolveInfo, type FragmentDefinitionNode, type FieldNode, type DocumentNode } from "graphql";
import { prepare, selectOperation } from "./schema.js";
import { isConnectionType, named } from "./cost.js";
import { fieldResolver, type ExecContext } from "./resolvers.js";
import { type BulkOp, type ShopState } from "./model.js";

interface BulkOpts {
  schema: GraphQLSchema; chunkSize: number; delayMs: number;
  onComplete: (op: BulkOp) => void; timers: Set<NodeJS.Timeout>;
}
type UErr = { field: string[] | null; message: string; code: string };

const SUPPORTED_ROOTS = ["customers", "orders"];

interface Shape { key: string; conns: { key: string; node: Shape }[] }

function fieldsIn(sel: SelectionSetNode, frags: Record<string, FragmentDefinitionNode>, out: FieldNode[] = []): FieldNode[] {
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fieldsIn(s.selectionSet, frags, out);
    else if (s.kind === Kind.FRAGMENT_SPREAD && frags[s.name.value]) fieldsIn(frags[s.name.value].selectionSet, frags, out);
  }
  return out;
}

/** Node selection of a connection field: edges { node { ... } } or nodes { ... }. */
function nodeSelection(f: FieldNode, frags: Record<string, FragmentDefinitionNode>): SelectionSetNode | undefined {
  for (const g of fieldsIn(f.selectionSet!, frags)) {
    if (g.name.value === "nodes") return g.selectionSet;
    if (g.name.value === "edges") for (const h of fieldsIn(g.selectionSet!, frags)) if (h.name.value === "node") return h.selectionSet;
  }
  return undefined;
}

/** Finds nested connections (to split into lines) and checks Shopify's bulk query rules. */
function shapeOf(sel: SelectionSetNode, type: GraphQLNamedType, frags: Record<string, FragmentDefinitionNode>, depth: number, errors: string[], count: { n: number }): Shape {
  const shape: Shape = { key: "", conns: [] };
  const fields = isObjectType(type) ? type.getFields() : {};
  const list = fieldsIn(sel, frags);
  for (const f of list) {
    const def = fields[f.name.value];
    if (!def) continue;
    const t = getNamedType(def.type);
    if (isConnectionType(t)) {
      count.n++;
      if (depth >= 2) errors.push("Bulk queries cannot contain connections with a nesting depth greater than 2.");
      if (!list.some((x) => x.name.value === "id")) errors.push(`The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'Node' type. Connection field: '${f.name.value}'`);
      const ns = nodeSelection(f, frags);
      const nodeType = named((t as any).getFields().nodes?.type ?? named((t as any).getFields().edges.type).getFields().node.type);
      if (ns) shape.conns.push({ key: f.alias?.value ?? f.name.value, node: shapeOf(ns, nodeType, frags, depth + 1, errors, count) });
    }
  }
  return shape;
}

function nodesOf(conn: any): any[] {
  if (!conn) return [];
  if (Array.isArray(conn.nodes)) return conn.nodes;
  if (Array.isArray(conn.edges)) return conn.edges.map((e: any) => e?.node).filter(Boolean);
  return [];
}

/** One node and everything below it, as JSONL lines (parent first). */
function flatten(obj: any, shape: Shape, parentId: string | undefined, out: string[]) {
  const kids: [any, Shape][] = [];
  for (const c of shape.conns) {
    for (const k of nodesOf(obj[c.key])) kids.push([k, c.node]);
    delete obj[c.key];
  }
  const line = JSON.stringify(obj);
  out.push(parentId ? `${line.slice(0, -1)}${line.length > 2 ? "," : ""}"__parentId":${JSON.stringify(parentId)}}` : line);
  for (const [k, s] of kids) flatten(k, s, obj.id, out);
}

export function runBulkQuery(shop: ShopState, query: string, groupObjects: boolean, o: BulkOpts): { op?: BulkOp; errors: UErr[] } {
  const cur = shop.currentBulk ? shop.bulkOps.get(shop.currentBulk) : undefined;
  if (cur && (cur.status === "CREATED" || cur.status === "RUNNING"))
    return { errors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${cur.id}.`, code: "OPERATION_IN_PROGRESS" }] };
  const invalid = (m: string) => ({ errors: [{ field: ["query"], message: m, code: "INVALID" }] });
  const p = prepare(query);
  if (p.errors) return invalid(`Invalid bulk query: ${p.errors.map((e) => e.message).join("; ")}`);
  const doc = p.document!;
  const opDef = selectOperation(doc);
  if (!opDef || opDef.operation !== "query") return invalid("Invalid bulk query: only a single query operation is supported.");
  const frags: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) frags[d.name.value] = d;
  const roots = fieldsIn(opDef.selectionSet, frags).filter((f) => f.name.value !== "__typename");
  if (roots.length !== 1) return invalid("Bulk queries must contain exactly one top-level field.");
  const root = roots[0];
  const rootDef = o.schema.getQueryType()!.getFields()[root.name.value];
  if (!rootDef || !isConnectionType(getNamedType(rootDef.type))) return invalid("Bulk queries must contain at least one connection.");
  if (!SUPPORTED_ROOTS.includes(root.name.value)) return invalid(`The simulator supports bulk queries over ${SUPPORTED_ROOTS.join(" and ")} only.`);
  const ns = nodeSelection(root, frags);
  if (!ns) return invalid("Invalid bulk query: the connection must select edges { node { ... } } or nodes { ... }.");
  const errors: string[] = [];
  const count = { n: 1 };
  const t = getNamedType(rootDef.type) as any;
  const nodeType = named(t.getFields().nodes?.type ?? named(t.getFields().edges.type).getFields().node.type);
  const shape = shapeOf(ns, nodeType, frags, 1, errors, count);
  if (count.n > 5) errors.push("Bulk queries cannot contain more than 5 connections.");
  if (errors.length) return invalid(errors[0]);

  const num = shop.nextBulk++;
  const op: BulkOp = {
    __typename: "BulkOperation", id: `gid://shopify/BulkOperation/${num}`, num, shop: shop.domain, query, type: "QUERY", status: "CREATED",
    createdAt: Date.now(), completedAt: null, objectCount: 0, rootObjectCount: 0, fileSize: null, errorCode: null,
    chunks: [], built: false, polls: 0, readyAt: 0,
  };
  shop.bulkOps.set(op.id, op);
  shop.currentBulk = op.id;
  // keep only a few finished files per shop in memory
  const done = [...shop.bulkOps.values()].filter((b) => b.status === "COMPLETED");
  for (const b of done.slice(0, Math.max(0, done.length - 3))) b.chunks = [];
  const t0 = setTimeout(() => { o.timers.delete(t0); build(shop, op, doc, root, shape, groupObjects, o).catch((e) => {
    op.status = "FAILED"; op.errorCode = "INTERNAL_SERVER_ERROR"; op.completedAt = Date.now();
    console.error("bulk operation failed", e);
  }); }, 0);
  o.timers.add(t0);
  return { op, errors: [] };
}

/** Argument values of a field node (bulk queries carry literals only), with the schema's defaults. */
const argCache = new WeakMap<FieldNode, Record<string, unknown>>();
function argsOf(f: FieldNode, def: GraphQLField<any, any>): Record<string, unknown> {
  let a = argCache.get(f);
  if (a) return a;
  a = {};
  for (const d of def.args) if (d.defaultValue !== undefined) a[d.name] = d.defaultValue;
  for (const x of f.arguments ?? []) a[x.name.value] = valueFromASTUntyped(x.value, {});
  argCache.set(f, a);
  return a;
}

/**
 * Resolves a selection on one object with the simulator's resolvers, without graphql-js's generic
 * execution (the document was already validated against the schema). Several times faster for bulk.
 */
function project(src: any, sel: SelectionSetNode, type: GraphQLObjectType, ctx: ExecContext, frags: Record<string, FragmentDefinitionNode>, schema: GraphQLSchema, path: any, out: any = {}): any {
  const fields = type.getFields();
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) {
      const name = s.name.value, key = s.alias?.value ?? name;
      if (name === "__typename") { out[key] = type.name; continue; }
      const def = fields[name];
      if (!def) continue;
      const info = { fieldName: name, parentType: type, path: { prev: path, key } } as unknown as GraphQLResolveInfo;
      const v = fieldResolver(src, argsOf(s, def), ctx, info);
      out[key] = complete(v, def.type, s.selectionSet, ctx, frags, schema, info.path);
    } else {
      const sub = s.kind === Kind.INLINE_FRAGMENT ? s : frags[s.name.value];
      if (!sub) continue;
      const cond = sub.typeCondition?.name.value;
      if (!cond || cond === type.name || type.getInterfaces().some((i) => i.name === cond)) project(src, sub.selectionSet, type, ctx, frags, schema, path, out);
    }
  }
  return out;
}

// graphql-js's type predicates are slow in development builds: classify each type once.
const kinds = new WeakMap<object, "nonnull" | "list" | "leaf" | "object" | "abstract">();
function kindOf(t: GraphQLOutputType) {
  let k = kinds.get(t);
  if (!k) {
    k = isNonNullType(t) ? "nonnull" : isListType(t) ? "list" : isLeafType(t) ? "leaf" : isObjectType(t) ? "object" : "abstract";
    kinds.set(t, k);
  }
  return k;
}

function complete(v: any, t: GraphQLOutputType, sel: SelectionSetNode | undefined, ctx: ExecContext, frags: Record<string, FragmentDefinitionNode>, schema: GraphQLSchema, path: any): any {
  if (typeof v === "function") v = v();
  if (v == null) return null;
  const k = kindOf(t);
  if (k === "nonnull") return complete(v, (t as any).ofType, sel, ctx, frags, schema, path);
  if (k === "list") return (v as any[]).map((x) => complete(x, (t as any).ofType, sel, ctx, frags, schema, path));
  if (k === "leaf" || !sel) return v;
  const concrete = k === "object" ? (t as GraphQLObjectType) : (schema.getType(v.__typename) as GraphQLObjectType | undefined);
  return concrete ? project(v, sel, concrete, ctx, frags, schema, path) : null;
}

async function build(shop: ShopState, op: BulkOp, doc: DocumentNode, root: FieldNode, shape: Shape, grouped: boolean, o: BulkOpts) {
  op.status = "RUNNING";
  const noSim = { runBulkQuery: () => ({ errors: [] }), pollBulk: (_s: ShopState, b: BulkOp) => b, bulkUrl: () => "" };
  const ctx: ExecContext = { shop, now: Date.now(), events: [], sim: noSim, bulk: { rootSlice: [0, Number.MAX_SAFE_INTEGER] } };
  const frags: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) frags[d.name.value] = d;
  const queryType = o.schema.getQueryType()!;
  const rootDef = queryType.getFields()[root.name.value];
  const connType = named(rootDef.type);
  const nodeType = named(connType.getFields().nodes?.type ?? named(connType.getFields().edges.type).getFields().node.type) as GraphQLObjectType;
  const nodeSel = nodeSelection(root, frags)!;
  // The root list is a snapshot: writes during the export do not shift it.
  const conn = fieldResolver({}, argsOf(root, rootDef), ctx, { fieldName: root.name.value, parentType: queryType, path: { prev: undefined, key: root.name.value } } as unknown as GraphQLResolveInfo) as any;
  const all: any[] = conn.nodes;
  let size = 0;
  for (let start = 0; start < all.length; start += o.chunkSize) {
    if ((op.status as string) === "CANCELED") return;
    const lines: string[] = [];
    let held: string[] = [];
    const end = Math.min(all.length, start + o.chunkSize);
    for (let i = start; i < end; i++) {
      const node = project(all[i], nodeSel, nodeType, ctx, frags, o.schema, { prev: undefined, key: i });
      const sub: string[] = [];
      flatten(node, shape, undefined, sub);
      lines.push(sub[0]);
      if (held.length) { lines.push(...held); held = []; }
      if (!grouped && i % 3 === 1) held = sub.slice(1);
      else for (let k = 1; k < sub.length; k++) lines.push(sub[k]);
      op.rootObjectCount++;
      op.objectCount += sub.length;
    }
    lines.push(...held);
    if (lines.length) {
      const buf = Buffer.from(lines.join("\n") + "\n", "utf8");
      op.chunks.push(buf);
      size += buf.length;
    }
    await new Promise((r) => setImmediate(r));
  }
  op.fileSize = size;
  op.built = true;
  const finish = () => {
    op.status = "COMPLETED";
    op.completedAt = Date.now();
    o.onComplete(op);
  };
  if (o.delayMs > 0) { const t = setTimeout(() => { o.timers.delete(t); finish(); }, o.delayMs); o.timers.add(t); }
  else finish();
}
