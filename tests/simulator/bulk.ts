// bulkOperationRunQuery: runs the inner query over all data without pagination limits and writes
// Shopify's JSONL: one line per node, nested connection nodes on their own lines with __parentId.
// Children are deliberately not always right after their parent (Shopify does not guarantee it).
import { execute, Kind, getNamedType, isObjectType, type GraphQLSchema, type SelectionSetNode, type GraphQLNamedType,
  type FragmentDefinitionNode, type FieldNode, type DocumentNode } from "graphql";
import { prepare, selectOperation } from "./schema.js";
import { isConnectionType, named } from "./cost.js";
import { fieldResolver, typeResolver, type ExecContext } from "./resolvers.js";
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
  out.push(JSON.stringify(parentId ? { ...obj, __parentId: parentId } : obj));
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
    id: `gid://shopify/BulkOperation/${num}`, num, shop: shop.domain, query, type: "QUERY", status: "CREATED",
    createdAt: Date.now(), completedAt: null, objectCount: 0, rootObjectCount: 0, fileSize: null, errorCode: null,
    chunks: [], built: false, polls: 0, readyAt: 0,
  };
  shop.bulkOps.set(op.id, op);
  shop.currentBulk = op.id;
  // keep only a few finished files per shop in memory
  const done = [...shop.bulkOps.values()].filter((b) => b.status === "COMPLETED");
  for (const b of done.slice(0, Math.max(0, done.length - 3))) b.chunks = [];
  const t0 = setTimeout(() => { o.timers.delete(t0); build(shop, op, doc, root.alias?.value ?? root.name.value, shape, groupObjects, o).catch((e) => {
    op.status = "FAILED"; op.errorCode = "INTERNAL_SERVER_ERROR"; op.completedAt = Date.now();
    console.error("bulk operation failed", e);
  }); }, 0);
  o.timers.add(t0);
  return { op, errors: [] };
}

async function build(shop: ShopState, op: BulkOp, doc: DocumentNode, rootKey: string, shape: Shape, grouped: boolean, o: BulkOpts) {
  op.status = "RUNNING";
  const noSim = { runBulkQuery: () => ({ errors: [] }), pollBulk: (_s: ShopState, b: BulkOp) => b, bulkUrl: () => "" };
  const bulk: NonNullable<ExecContext["bulk"]> = { rootSlice: [0, 0] };
  const run = () => {
    const r = execute({ schema: o.schema, document: doc, rootValue: {}, contextValue: { shop, now: Date.now(), events: [], sim: noSim, bulk } satisfies ExecContext, fieldResolver, typeResolver }) as any;
    if (r.errors?.length) throw new Error(r.errors.map((e: any) => e.message).join("; "));
    return r.data;
  };
  run(); // captures the root list (a snapshot: later writes do not shift the export)
  const total = bulk.rootItems?.length ?? 0;
  let size = 0;
  for (let start = 0; start < total; start += o.chunkSize) {
    if ((op.status as string) === "CANCELED") return;
    bulk.rootSlice = [start, start + o.chunkSize];
    const data = run();
    const lines: string[] = [];
    let held: string[] = [];
    nodesOf(data[rootKey]).forEach((node, i) => {
      const sub: string[] = [];
      flatten(node, shape, undefined, sub);
      lines.push(sub[0]);
      if (held.length) { lines.push(...held); held = []; }
      if (!grouped && i % 3 === 1) held = sub.slice(1);
      else lines.push(...sub.slice(1));
      op.rootObjectCount++;
      op.objectCount += sub.length;
    });
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
