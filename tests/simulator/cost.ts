// Shopify's query cost model (https://shopify.dev/docs/api/usage/limits#cost-calculation):
// scalars/enums 0, objects 1, connections 2 + (first|last) x cost of one node, mutations 10.
// The requested cost is computed statically before execution; the actual cost from the returned data.
import {
  Kind, getNamedType, isLeafType, isObjectType, isInterfaceType, isUnionType, valueFromASTUntyped,
  type GraphQLSchema, type SelectionSetNode, type GraphQLNamedType, type FragmentDefinitionNode,
  type DocumentNode, type OperationDefinitionNode, type FieldNode, type GraphQLField,
} from "graphql";

const MUTATION_COST = 10;

/** getNamedType for loosely typed lookups. */
export const named = (t: unknown): any => getNamedType(t as any);

interface Ctx { schema: GraphQLSchema; fragments: Record<string, FragmentDefinitionNode>; vars: Record<string, unknown> }

function fieldsOf(t: GraphQLNamedType): Record<string, GraphQLField<any, any>> | undefined {
  if (isObjectType(t) || isInterfaceType(t)) return t.getFields();
  return undefined;
}

export function isConnectionType(t: GraphQLNamedType): boolean {
  return isObjectType(t) && t.name.endsWith("Connection") && !!t.getFields().pageInfo && (!!t.getFields().edges || !!t.getFields().nodes);
}

function argValue(f: FieldNode, name: string, vars: Record<string, unknown>): unknown {
  const a = f.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  return valueFromASTUntyped(a.value, vars);
}

/** Flattens fields of a selection set (fragments merged; for abstract types, every branch counts). */
function collect(sel: SelectionSetNode, parent: GraphQLNamedType, ctx: Ctx, out: { f: FieldNode; type: GraphQLNamedType }[] = []) {
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) out.push({ f: s, type: parent });
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      const t = s.typeCondition ? ctx.schema.getType(s.typeCondition.name.value)! : parent;
      collect(s.selectionSet, t, ctx, out);
    } else if (s.kind === Kind.FRAGMENT_SPREAD) {
      const fr = ctx.fragments[s.name.value];
      if (fr) collect(fr.selectionSet, ctx.schema.getType(fr.typeCondition.name.value)!, ctx, out);
    }
  }
  return out;
}

/** Static cost of a selection set on `parent`. With `data`, the actual cost of that returned data. */
function selCost(sel: SelectionSetNode | undefined, parent: GraphQLNamedType, ctx: Ctx, data?: any, actual = false): number {
  if (!sel) return 0;
  let total = 0;
  for (const { f, type } of collect(sel, parent, ctx)) {
    const name = f.name.value;
    if (name === "__typename") continue;
    const def = fieldsOf(type)?.[name];
    if (!def) continue;
    const ft = getNamedType(def.type);
    if (isLeafType(ft)) continue;
    const key = f.alias?.value ?? name;
    if (actual) {
      if (data == null || typeof data !== "object") continue;
      // On abstract parents only count fields of the concrete type actually returned.
      if (data.__typename === undefined && type !== parent && !(key in data)) continue;
      const v = data[key];
      if (v == null) continue;
      total += actualFieldCost(f, ft, v, ctx);
    } else total += staticFieldCost(f, ft, ctx);
  }
  return total;
}

function nodeSelections(f: FieldNode, conn: GraphQLNamedType, ctx: Ctx): { node?: GraphQLNamedType; sels: { sel: SelectionSetNode; via: "edges" | "nodes" }[] } {
  const fields = (conn as any).getFields();
  const nodeType = named(fields.nodes?.type ?? named(fields.edges.type).getFields().node.type);
  const sels: { sel: SelectionSetNode; via: "edges" | "nodes" }[] = [];
  for (const { f: g } of collect(f.selectionSet!, conn, ctx)) {
    if (g.name.value === "nodes" && g.selectionSet) sels.push({ sel: g.selectionSet, via: "nodes" });
    if (g.name.value === "edges" && g.selectionSet) {
      const edgeType = named(fields.edges.type);
      for (const { f: h } of collect(g.selectionSet, edgeType, ctx)) if (h.name.value === "node" && h.selectionSet) sels.push({ sel: h.selectionSet, via: "edges" });
    }
  }
  return { node: nodeType, sels };
}

function staticFieldCost(f: FieldNode, ft: GraphQLNamedType, ctx: Ctx): number {
  if (isConnectionType(ft)) {
    const n = Number(argValue(f, "first", ctx.vars) ?? argValue(f, "last", ctx.vars) ?? 0) || 0;
    const { node, sels } = nodeSelections(f, ft, ctx);
    const per = sels.length ? 1 + Math.max(...sels.map((s) => selCost(s.sel, node!, ctx))) : 0;
    return 2 + n * per;
  }
  if (isUnionType(ft) || isInterfaceType(ft)) return 1 + selCost(f.selectionSet, ft, ctx);
  return 1 + selCost(f.selectionSet, ft, ctx);
}

function actualFieldCost(f: FieldNode, ft: GraphQLNamedType, v: any, ctx: Ctx): number {
  if (Array.isArray(v)) return v.reduce((s, x) => s + (x == null ? 0 : actualFieldCost(f, ft, x, ctx)), 0);
  if (isConnectionType(ft)) {
    const { node, sels } = nodeSelections(f, ft, ctx);
    let items: any[] = [];
    const edgesKey = aliasOf(f, "edges", ctx, ft), nodesKey = aliasOf(f, "nodes", ctx, ft);
    if (nodesKey && Array.isArray(v[nodesKey])) items = v[nodesKey];
    else if (edgesKey && Array.isArray(v[edgesKey])) {
      const edgeType = named((ft as any).getFields().edges.type);
      const nodeKey = (() => { for (const g of collect(f.selectionSet!, ft, ctx)) if (g.f.name.value === "edges" && g.f.selectionSet) for (const h of collect(g.f.selectionSet, edgeType, ctx)) if (h.f.name.value === "node") return h.f.alias?.value ?? "node"; return "node"; })();
      items = v[edgesKey].map((e: any) => e?.[nodeKey]);
    }
    const sel = sels[0]?.sel;
    return 2 + items.reduce((s: number, it: any) => s + (it == null ? 0 : 1 + selCost(sel, node!, ctx, it, true)), 0);
  }
  return 1 + selCost(f.selectionSet, ft, ctx, v, true);
}

function aliasOf(f: FieldNode, name: string, ctx: Ctx, t: GraphQLNamedType): string | undefined {
  for (const g of collect(f.selectionSet!, t, ctx)) if (g.f.name.value === name) return g.f.alias?.value ?? name;
  return undefined;
}

function ctxFor(schema: GraphQLSchema, document: DocumentNode, vars: Record<string, unknown>): Ctx {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { schema, fragments, vars };
}

export function requestedCost(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, vars: Record<string, unknown>): number {
  const ctx = ctxFor(schema, document, vars);
  if (op.operation === "mutation") {
    return collect(op.selectionSet, schema.getMutationType()!, ctx).filter((x) => x.f.name.value !== "__typename").length * MUTATION_COST;
  }
  return selCost(op.selectionSet, schema.getQueryType()!, ctx);
}

export function actualCost(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, vars: Record<string, unknown>, data: any): number {
  const ctx = ctxFor(schema, document, vars);
  if (op.operation === "mutation") return requestedCost(schema, document, op, vars);
  return selCost(op.selectionSet, schema.getQueryType()!, ctx, data ?? {}, true);
}

export function rootFieldNames(document: DocumentNode, op: OperationDefinitionNode, schema: GraphQLSchema): string[] {
  const ctx = ctxFor(schema, document, {});
  const root = op.operation === "mutation" ? schema.getMutationType()! : schema.getQueryType()!;
  return collect(op.selectionSet, root, ctx).map((x) => x.f.name.value).filter((n) => n !== "__typename");
}
