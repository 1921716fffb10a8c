// Shopify search syntax (the `query:` argument of customers / orders / customersCount).
// Supported: field:value, field:'quoted', field:>x / >= / < / <=, AND / OR / NOT / -term, parentheses, bare terms.
// Unquoted values are tokenized like Shopify's search index does (so `email:jo.doe@x.com` is loose);
// quoted values compare the whole value (case-insensitive).
import { type Customer, type Order, tokenize, gidNum } from "./model.js";

export type Node =
  | { t: "and" | "or"; c: Node[] }
  | { t: "not"; c: Node }
  | { t: "term"; field: string | null; op: ":" | ">" | ">=" | "<" | "<="; value: string; quoted: boolean };

export function parseSearch(q: string): Node | null {
  const toks = lex(q);
  let i = 0;
  const peek = () => toks[i];
  function parseOr(): Node | null {
    const parts: Node[] = [];
    const a = parseAnd(); if (a) parts.push(a);
    while (peek()?.k === "OR") { i++; const b = parseAnd(); if (b) parts.push(b); }
    return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { t: "or", c: parts };
  }
  function parseAnd(): Node | null {
    const parts: Node[] = [];
    while (i < toks.length && peek().k !== "OR" && peek().k !== ")") {
      if (peek().k === "AND") { i++; continue; }
      const u = parseUnary(); if (u) parts.push(u);
    }
    return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { t: "and", c: parts };
  }
  function parseUnary(): Node | null {
    const tk = toks[i++];
    if (tk.k === "NOT") { const n = parseUnary(); return n ? { t: "not", c: n } : null; }
    if (tk.k === "(") { const n = parseOr(); if (peek()?.k === ")") i++; return n; }
    if (tk.k === "term") return tk.node;
    return null;
  }
  return parseOr();
}

type Tok = { k: "AND" | "OR" | "NOT" | "(" | ")" } | { k: "term"; node: Node };

function lex(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const readQuoted = (): string => {
    const quote = q[i++]; let s = "";
    while (i < q.length && q[i] !== quote) { if (q[i] === "\\" && i + 1 < q.length) i++; s += q[i++]; }
    i++; return s;
  };
  while (i < q.length) {
    const ch = q[i];
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "(" || ch === ")") { out.push({ k: ch }); i++; continue; }
    let negate = false;
    if (ch === "-" && i + 1 < q.length && !/\s/.test(q[i + 1])) { negate = true; i++; }
    let node: Node;
    if (q[i] === "'" || q[i] === '"') {
      node = { t: "term", field: null, op: ":", value: readQuoted(), quoted: true };
    } else {
      let word = "";
      while (i < q.length && !/[\s()]/.test(q[i]) && q[i] !== ":") word += q[i++];
      if (q[i] === ":" && /^[A-Za-z_.]+$/.test(word)) {
        i++;
        let op: ":" | ">" | ">=" | "<" | "<=" = ":";
        const m = q.slice(i).match(/^(>=|<=|>|<)/);
        if (m) { op = m[1] as any; i += m[1].length; }
        let value = "", quoted = false;
        if (q[i] === "'" || q[i] === '"') { value = readQuoted(); quoted = true; }
        else while (i < q.length && !/[\s)]/.test(q[i])) value += q[i++];
        node = { t: "term", field: word.toLowerCase(), op, value, quoted };
      } else {
        if (q[i] === ":") { word += ":"; i++; while (i < q.length && !/[\s()]/.test(q[i])) word += q[i++]; }
        if (!negate && (word === "AND" || word === "OR" || word === "NOT")) { out.push({ k: word }); continue; }
        node = { t: "term", field: null, op: ":", value: word, quoted: false };
      }
    }
    out.push({ k: "term", node: negate ? { t: "not", c: node } : node });
  }
  return out;
}

function customerTokens(c: Customer): string[] {
  if (c._tok) return c._tok;
  const parts: (string | null)[] = [c.firstName, c.lastName, c.email, c.note, ...c.tags];
  for (const a of c.addresses) parts.push(a.company, a.address1, a.address2, a.city, a.zip, a.province, a.country, a.firstName, a.lastName);
  const toks = tokenize(parts.filter(Boolean).join(" "));
  if (c.phone) toks.push(c.phone.replace(/\D/g, ""));
  c._tok = toks;
  return toks;
}

const digits = (s: string | null | undefined) => (s ?? "").replace(/\D/g, "");

function cmp(a: number, op: string, b: number): boolean {
  switch (op) {
    case ">": return a > b; case ">=": return a >= b; case "<": return a < b; case "<=": return a <= b;
    default: return a === b;
  }
}

function dateTerm(ms: number, op: string, value: string): boolean {
  const v = Date.parse(value);
  if (Number.isNaN(v)) return false;
  if (op === ":" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return ms >= v && ms < v + 86_400_000;
  // Shopify's search compares at second precision.
  return cmp(Math.floor(ms / 1000), op, Math.floor(v / 1000));
}

function textTerm(hay: string | null | undefined, value: string, quoted: boolean): boolean {
  if (value === "*") return !!hay;
  if (!hay) return false;
  if (quoted) return hay.trim().toLowerCase() === value.trim().toLowerCase();
  const have = tokenize(hay);
  return tokenize(value).every((t) => have.includes(t));
}

function phoneTerm(phone: string | null, value: string): boolean {
  if (value === "*") return !!phone;
  const p = digits(phone), v = digits(value);
  if (!p || !v) return false;
  return p === v || (v.length >= 6 && p.endsWith(v));
}

function bareTerm(tokens: string[], value: string, quoted: boolean): boolean {
  const vt = tokenize(value);
  if (vt.length === 0) return true;
  if (quoted) return tokens.join(" ").includes(vt.join(" "));
  return vt.every((t) => tokens.some((x) => x.startsWith(t)));
}

export function matchCustomer(n: Node, c: Customer): boolean {
  switch (n.t) {
    case "and": return n.c.every((x) => matchCustomer(x, c));
    case "or": return n.c.some((x) => matchCustomer(x, c));
    case "not": return !matchCustomer(n.c, c);
  }
  const { field, op, value, quoted } = n;
  switch (field) {
    case null: return bareTerm(customerTokens(c), value, quoted);
    case "email": return textTerm(c.email, value, quoted);
    case "phone": return phoneTerm(c.phone, value);
    case "first_name": return textTerm(c.firstName, value, quoted);
    case "last_name": return textTerm(c.lastName, value, quoted);
    case "name": return textTerm([c.firstName, c.lastName].filter(Boolean).join(" "), value, quoted);
    case "updated_at": return dateTerm(c.updatedAt, op, value);
    case "created_at": return dateTerm(c.createdAt, op, value);
    case "id": return cmp(c.num, op, gidNum(value));
    case "state": return (c.state ?? "").toLowerCase() === value.toLowerCase();
    case "tag": return c.tags.some((t) => t.toLowerCase() === value.toLowerCase());
    case "tag_not": return !c.tags.some((t) => t.toLowerCase() === value.toLowerCase());
    case "country": return c.addresses.some((a) => textTerm(a.country, value, quoted) || (a.countryCodeV2 ?? "").toLowerCase() === value.toLowerCase());
    case "company": return c.addresses.some((a) => textTerm(a.company, value, quoted));
    case "accepts_marketing": return (c.emailMarketingState === "SUBSCRIBED") === (value === "true");
    case "tax_exempt": return c.taxExempt === (value === "true");
    default: return true; // Shopify ignores filters it does not know (with a search warning)
  }
}

export function matchOrder(n: Node, o: Order): boolean {
  switch (n.t) {
    case "and": return n.c.every((x) => matchOrder(x, o));
    case "or": return n.c.some((x) => matchOrder(x, o));
    case "not": return !matchOrder(n.c, o);
  }
  const { field, op, value, quoted } = n;
  switch (field) {
    case null: return bareTerm(tokenize([o.name, o.email, o.billingAddress?.firstName, o.billingAddress?.lastName].filter(Boolean).join(" ")), value, quoted);
    case "email": return textTerm(o.email, value, quoted);
    case "name": return (o.name ?? "").toLowerCase() === value.toLowerCase() || (o.name ?? "").replace(/^#/, "") === value.replace(/^#/, "");
    case "updated_at": return dateTerm(o.updatedAt, op, value);
    case "created_at": case "processed_at": return dateTerm(o.createdAt, op, value);
    case "id": return cmp(o.num, op, gidNum(value));
    case "customer_id": return o.customerId != null && cmp(gidNum(o.customerId), op, gidNum(value));
    case "tag": return o.tags.some((t) => t.toLowerCase() === value.toLowerCase());
    default: return true;
  }
}

/** A single exact email / phone term: answer from the index instead of scanning. */
export function exactLookup(n: Node | null): { field: "email" | "phone"; value: string } | null {
  if (!n || n.t !== "term") return null;
  if (n.field === "email" && n.quoted && n.op === ":" && n.value !== "*") return { field: "email", value: n.value.trim().toLowerCase() };
  return null;
}
