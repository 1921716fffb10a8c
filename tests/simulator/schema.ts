// Loads Shopify's real Admin GraphQL schema (introspection shipped by @shopify/dev-mcp) and validates
// documents against it, formatting errors the way Shopify's GraphQL server (graphql-ruby) does.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import {
  buildClientSchema, parse, validate, visit, Kind,
  type DocumentNode, type GraphQLSchema, type GraphQLError, type OperationDefinitionNode, type ASTNode,
} from "graphql";

export const SCHEMA_VERSION = "2026-07";
let cached: GraphQLSchema | undefined;

export function loadSchema(): GraphQLSchema {
  if (cached) return cached;
  const file = fileURLToPath(new URL(`./schema/admin_${SCHEMA_VERSION}.json.gz`, import.meta.url));
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
  cached = buildClientSchema(json.data, { assumeValid: true });
  return cached;
}

export interface ShopifyGraphQLError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface PreparedDocument {
  document?: DocumentNode;
  errors?: ShopifyGraphQLError[];
}

// Repeated query strings are the norm (the app sends the same operations over and over): parse and
// validate each distinct string once.
const docCache = new Map<string, PreparedDocument>();

export function prepare(query: string): PreparedDocument {
  const hit = docCache.get(query);
  if (hit) return hit;
  const schema = loadSchema();
  let result: PreparedDocument;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    const err = e as GraphQLError;
    result = { errors: [formatParseError(err, query)] };
    remember(query, result);
    return result;
  }
  const errs = validate(schema, document);
  result = errs.length ? { errors: formatValidationErrors(errs, document) } : { document };
  remember(query, result);
  return result;
}

function remember(q: string, r: PreparedDocument) {
  if (docCache.size > 2000) docCache.clear();
  docCache.set(q, r);
}

function formatParseError(err: GraphQLError, query: string): ShopifyGraphQLError {
  const loc = err.locations?.[0];
  const raw = err.message.replace(/^Syntax Error: /, "");
  let token = "end of file";
  if (loc) {
    const line = query.split("\n")[loc.line - 1] ?? "";
    const ch = line.slice(loc.column - 1).match(/^\S+/)?.[0];
    if (ch) token = ch;
  }
  return {
    message: loc ? `Parse error on "${token}" at [${loc.line}, ${loc.column}] (${raw})` : `Parse error: ${raw}`,
    locations: loc ? [{ line: loc.line, column: loc.column }] : undefined,
    extensions: { code: "parseError" },
  };
}

// Maps AST nodes to a graphql-ruby style path: ["query Name" | "mutation" | "fragment F", field, field...]
function pathIndex(document: DocumentNode): Map<ASTNode, string[]> {
  const map = new Map<ASTNode, string[]>();
  const stack: string[] = [];
  visit(document, {
    enter(node) {
      if (node.kind === Kind.OPERATION_DEFINITION) {
        const op = node as OperationDefinitionNode;
        stack.push(op.name ? `${op.operation} ${op.name.value}` : op.operation);
      } else if (node.kind === Kind.FRAGMENT_DEFINITION) stack.push(`fragment ${node.name.value}`);
      else if (node.kind === Kind.FIELD) stack.push(node.alias?.value ?? node.name.value);
      else if (node.kind === Kind.INLINE_FRAGMENT) stack.push(`... on ${node.typeCondition?.name.value ?? ""}`.trim());
      else if (node.kind === Kind.ARGUMENT) stack.push(node.name.value);
      map.set(node, [...stack]);
    },
    leave(node) {
      if ([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION, Kind.FIELD, Kind.INLINE_FRAGMENT, Kind.ARGUMENT].includes(node.kind as any)) stack.pop();
    },
  });
  return map;
}

const rules: [RegExp, (m: RegExpMatchArray) => { message: string; extensions: Record<string, unknown> }][] = [
  [/^Cannot query field "(\w+)" on type "(\w+)"/, (m) => ({
    message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
    extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } })],
  [/^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/, (m) => ({
    message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
    extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] } })],
  [/^Unknown argument "(\w+)" on directive "@(\w+)"/, (m) => ({
    message: `Directive '${m[2]}' doesn't accept argument '${m[1]}'`,
    extensions: { code: "argumentNotAccepted", name: m[2], typeName: "Directive", argumentName: m[1] } })],
  [/^Field "(\w+)" argument "(\w+)" of type "([^"]+)" is required, but it was not provided/, (m) => ({
    message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
    extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] } })],
  [/^Field "([^"]+)" of required type "([^"]+)" was not provided/, (m) => ({
    message: `Argument '${m[1].split(".").pop()}' on InputObject '${m[1].split(".")[0]}' is required. Expected type ${m[2]}`,
    extensions: { code: "missingRequiredInputObjectAttribute", argumentName: m[1].split(".").pop(), argumentType: m[2], inputObjectType: m[1].split(".")[0] } })],
  [/^Variable "\$(\w+)" of type "([^"]+)" used in position expecting type "([^"]+)"/, (m) => ({
    message: `Type mismatch on variable $${m[1]} and argument (${m[2]} / ${m[3]})`,
    extensions: { code: "variableMismatch", variableName: m[1], typeName: m[2], expectedTypeName: m[3] } })],
  [/^Field "(\w+)" of type "([^"]+)" must have a selection of subfields/, (m) => ({
    message: `Field must have selections (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, "")} but has no selections. Did you mean '${m[1]} { ... }'?)`,
    extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: m[2].replace(/[[\]!]/g, "") } })],
  [/^Field "(\w+)" must not have a selection since type "([^"]+)" has no subfields/, (m) => ({
    message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, "")} but has selections)`,
    extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: m[2].replace(/[[\]!]/g, "") } })],
  [/^Unknown type "(\w+)"/, (m) => ({
    message: `No such type ${m[1]}, so it can't be a fragment condition`,
    extensions: { code: "undefinedType", typeName: m[1] } })],
  [/^Variable "\$(\w+)" is never used(?: in operation "(\w+)")?/, (m) => ({
    message: `Variable $${m[1]} is declared by ${m[2] ?? "anonymous query"} but not used`,
    extensions: { code: "variableNotUsed", variableName: m[1] } })],
  [/^Variable "\$(\w+)" is not defined(?: by operation "(\w+)")?/, (m) => ({
    message: `Variable $${m[1]} is used by ${m[2] ?? "anonymous query"} but not declared`,
    extensions: { code: "variableNotDefined", variableName: m[1] } })],
  [/^Fragment "(\w+)" is never used/, (m) => ({
    message: `Fragment ${m[1]} was defined, but not used`, extensions: { code: "useAndDefineFragment", fragmentName: m[1] } })],
  [/^Unknown fragment "(\w+)"/, (m) => ({
    message: `Fragment ${m[1]} was used, but not defined`, extensions: { code: "useAndDefineFragment", fragmentName: m[1] } })],
  [/^(?:Expected value of type "([^"]+)", found ([^;.]+)|(\w+) cannot represent[^:]*: (.+))/, (m) => ({
    message: `Argument has an invalid value (${m[2] ?? m[4]}). Expected type '${m[1] ?? m[3]}'.`,
    extensions: { code: "argumentLiteralsIncompatible", typeName: "Argument" } })],
  [/^Value "([^"]+)" does not exist in "(\w+)" enum/, (m) => ({
    message: `Argument has an invalid value (${m[1]}). Expected type '${m[2]}'.`,
    extensions: { code: "argumentLiteralsIncompatible", typeName: "Argument" } })],
];

export function formatValidationErrors(errs: readonly GraphQLError[], document: DocumentNode): ShopifyGraphQLError[] {
  const paths = pathIndex(document);
  return errs.map((e) => {
    let out: { message: string; extensions: Record<string, unknown> } | undefined;
    for (const [re, f] of rules) {
      const m = e.message.match(re);
      if (m) { out = f(m); break; }
    }
    out ??= { message: e.message, extensions: { code: "validationError" } };
    const node = e.nodes?.[0];
    const path = node ? paths.get(node) : undefined;
    if (out.extensions.code === "argumentLiteralsIncompatible" && path) {
      // graphql-ruby names the argument and the field: "Argument 'id' on Field 'customer' has an invalid value ..."
      const arg = [...(e.nodes ?? [])].map((n) => paths.get(n)).find(Boolean);
      if (arg && arg.length >= 2) out.message = out.message.replace(/^Argument/, `Argument '${arg[arg.length - 1]}' on Field '${arg[arg.length - 2]}'`);
    }
    return {
      message: out.message,
      locations: e.locations?.map((l) => ({ line: l.line, column: l.column })),
      ...(path ? { path } : {}),
      extensions: out.extensions,
    };
  });
}

export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}
