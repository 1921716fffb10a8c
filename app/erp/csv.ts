// The ERP customer master in and out as CSV, for merchants who keep their customers in a spreadsheet or move them
// from another ERP. Export: one column per ERP field, named exactly as the field. Import: UTF-8 with or without BOM,
// `;` or `,` (as Excel writes it in the merchant's locale), every row checked with the rules of setErpCustomer,
// and never half a file: all-or-nothing by default, or the good rows only with `skipBadRows`.
import type { PrismaClient } from "@prisma/client";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { charLength, clean } from "../sync/text";
import { ERP_CUSTOMER_FIELDS, emptyErpCustomer, toErpCustomer, type ErpCustomer } from "./fields";
import { ErpValidationError, validatePatch, type ErpCustomerPatch } from "./master";

export interface ErpCsvExportOptions {
  /** Start with a UTF-8 byte order mark, so Excel opens the file as UTF-8. */
  bom?: boolean;
  /** Field separator; `,` by default, `;` for Excel in locales whose decimal separator is a comma. */
  delimiter?: "," | ";";
}

export interface ErpCsvImportOptions {
  /** Write the good rows and report the bad ones, instead of writing nothing when any row is bad. */
  skipBadRows?: boolean;
}

export interface ErpCsvLineError {
  /** The physical line in the file where the row starts (the header is line 1). */
  line: number;
  message: string;
}

export interface ErpCsvImportResult {
  /** Rows written (created + updated). */
  imported: number;
  created: number;
  updated: number;
  errors: ErpCsvLineError[];
}

const BOOLEAN_FIELDS = new Set<string>(["taxLiable", "blocked"]);
const TRUE_WORDS = /^(true|1|yes|ja)$/i;
const FALSE_WORDS = /^(false|0|no|nej|)$/i;

const headerKey = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
const FIELD_BY_HEADER = new Map(ERP_CUSTOMER_FIELDS.map((f) => [headerKey(f), f]));

/** The shop's ERP customers as CSV, ordered by number. */
export async function exportErpCsv(db: PrismaClient, shop: string, o: ErpCsvExportOptions = {}): Promise<string> {
  const rows = await db.erpCustomer.findMany({ where: { shop }, orderBy: { no: "asc" } });
  return erpCustomersToCsv(rows.map(toErpCustomer), o);
}

/**
 * The CSV text for these customers (header = the field names; booleans as true/false; CRLF as RFC 4180 says).
 * Any field holding a line break is quoted, whatever kind of break it is, so every reader sees one record.
 */
export function erpCustomersToCsv(customers: ErpCustomer[], o: ErpCsvExportOptions = {}): string {
  const body = stringify(
    customers.map((c) => ERP_CUSTOMER_FIELDS.map((f) => (typeof c[f] === "boolean" ? (c[f] ? "true" : "false") : String(c[f] ?? "")))),
    { header: true, columns: ERP_CUSTOMER_FIELDS as string[], delimiter: o.delimiter ?? ",", record_delimiter: "windows", quoted_match: /[\r\n]/ },
  );
  return (o.bom ? "\uFEFF" : "") + body;
}

/** A file-level problem: nothing of the file can be read as rows (bad header, broken quoting, not UTF-8). */
export class ErpCsvFileError extends Error {
  constructor(public errors: ErpCsvLineError[]) {
    super(errors.map((e) => `line ${e.line}: ${e.message}`).join("\n"));
  }
}

interface ParsedRow {
  line: number;
  no: string;
  patch: ErpCustomerPatch;
}

/**
 * Import ERP customers from CSV. Columns not in the file are left as they are on existing customers (a file with
 * `no;email` only changes emails); a present but empty cell clears the field. A new customer needs a name.
 */
export async function importErpCsv(
  db: PrismaClient,
  shop: string,
  input: string | Uint8Array,
  o: ErpCsvImportOptions = {},
): Promise<ErpCsvImportResult> {
  let rows: ParsedRow[];
  let errors: ErpCsvLineError[];
  try {
    ({ rows, errors } = parseErpCsv(input));
  } catch (e) {
    if (e instanceof ErpCsvFileError) return { imported: 0, created: 0, updated: 0, errors: e.errors };
    throw e;
  }

  // Customer numbers are compared ignoring case, as within the file: "c00001" in a file is the existing C00001.
  const byUpper = new Map(
    rows.length ? (await db.erpCustomer.findMany({ where: { shop }, select: { no: true } })).map((r) => [r.no.toUpperCase(), r.no] as const) : [],
  );
  for (const r of rows) {
    const known = byUpper.get(r.no.toUpperCase());
    if (known) r.no = known;
  }
  const existing = new Set(rows.filter((r) => byUpper.has(r.no.toUpperCase())).map((r) => r.no));
  const good: ParsedRow[] = [];
  for (const r of rows) {
    if (!existing.has(r.no) && !clean(r.patch.name)) {
      errors.push({ line: r.line, message: `name: customer ${r.no} is new and needs a name` });
    } else good.push(r);
  }
  errors.sort((a, b) => a.line - b.line);

  if (errors.length && !o.skipBadRows) return { imported: 0, created: 0, updated: 0, errors };
  if (!good.length) return { imported: 0, created: 0, updated: 0, errors };

  await db.$transaction(
    good.map((r) =>
      db.erpCustomer.upsert({
        where: { shop_no: { shop, no: r.no } },
        create: { ...emptyErpCustomer(r.no), ...r.patch, no: r.no, shop },
        update: { ...r.patch, no: r.no },
      }),
    ),
  );
  const created = good.filter((r) => !existing.has(r.no)).length;
  return { imported: good.length, created, updated: good.length - created, errors };
}

/** Decode bytes as UTF-8, refusing anything else (Excel's "CSV" in a Windows code page would garble names). */
export function decodeUtf8(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch {
    throw new ErpCsvFileError([{ line: 1, message: 'The file is not UTF-8 text. In Excel, save it as "CSV UTF-8 (comma delimited)".' }]);
  }
}

/** `;` or `,`: whichever occurs more often outside quotes in the header line (`,` when neither does). */
export function detectDelimiter(text: string): "," | ";" {
  let semi = 0;
  let comma = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch === ";") semi++;
    else if (!quoted && ch === ",") comma++;
  }
  return semi > comma ? ";" : ",";
}

const LINE_BREAK = /\n/g;

/** Parse and validate the file. Throws ErpCsvFileError when it cannot be read as rows at all. */
export function parseErpCsv(input: string | Uint8Array): { rows: ParsedRow[]; errors: ErpCsvLineError[] } {
  // One kind of line break, so csv-parse's line count is the physical line (it counts CR and LF apart in quotes).
  const text = decodeUtf8(input).replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!text.trim()) throw new ErpCsvFileError([{ line: 1, message: "The file is empty: the first line must name the columns (at least no)." }]);
  const delimiter = detectDelimiter(text);

  let records: Array<{ record: string[]; raw: string; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter,
      info: true,
      raw: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
    }) as any;
  } catch (e) {
    const line = Number((e as any)?.lines) || 1;
    throw new ErpCsvFileError([{ line, message: `The file is not valid CSV: ${(e as Error).message}` }]);
  }
  if (!records.length) throw new ErpCsvFileError([{ line: 1, message: "The file has no header line." }]);

  // The line a record starts on: where it ends, less the line breaks inside it (quoted fields may span lines).
  const startLine = (r: { raw: string; info: { lines: number } }) => {
    const inside = r.raw.replace(/^\n+/, "").replace(/\n$/, "");
    return r.info.lines - (inside.match(LINE_BREAK)?.length ?? 0);
  };

  const [head, ...body] = records;
  const headerLine = startLine(head);
  const columns = head.record.map((h) => clean(h));
  const fileErrors: ErpCsvLineError[] = [];
  const fields: string[] = [];
  const seen = new Map<string, number>();
  columns.forEach((h, i) => {
    if (!h) {
      fileErrors.push({ line: headerLine, message: `Column ${i + 1} has no name in the header.` });
      return;
    }
    const field = FIELD_BY_HEADER.get(headerKey(h));
    if (!field) {
      fileErrors.push({ line: headerLine, message: `Unknown column "${h}". The columns are: ${ERP_CUSTOMER_FIELDS.join(", ")}.` });
      return;
    }
    if (seen.has(field)) fileErrors.push({ line: headerLine, message: `Column "${h}" appears twice (columns ${seen.get(field)! + 1} and ${i + 1}).` });
    seen.set(field, i);
    fields[i] = field;
  });
  if (!fileErrors.length && !seen.has("no")) fileErrors.push({ line: headerLine, message: `The header has no "no" column (the customer number is required).` });
  if (fileErrors.length) throw new ErpCsvFileError(fileErrors);

  const errors: ErpCsvLineError[] = [];
  const rows: ParsedRow[] = [];
  const linesOfNo = new Map<string, number[]>();
  for (const r of body) {
    const line = startLine(r);
    const values = r.record;
    const extra = values.slice(columns.length);
    if (values.length < columns.length || extra.some((v) => clean(v))) {
      errors.push({ line, message: `The row has ${values.length} fields; the header has ${columns.length}.` });
      continue;
    }
    const input: Record<string, unknown> = {};
    const problems: string[] = [];
    fields.forEach((f, i) => {
      const v = values[i] ?? "";
      if (BOOLEAN_FIELDS.has(f)) {
        const t = clean(v);
        if (TRUE_WORDS.test(t)) input[f] = true;
        else if (FALSE_WORDS.test(t)) input[f] = false;
        else problems.push(`${f}: "${cutForMessage(t)}" is not a yes/no value (use true or false)`);
      } else input[f] = v;
    });
    let patch: ErpCustomerPatch | null = null;
    try {
      patch = validatePatch(input);
    } catch (e) {
      if (!(e instanceof ErpValidationError)) throw e;
      for (const i of e.issues) {
        let message = i.message.startsWith(i.field) ? i.message : `${i.field}: ${i.message}`;
        if (/at most \d+ characters/.test(message)) message += ` (this one has ${charLength(clean(input[i.field]))})`;
        problems.push(message);
      }
    }
    const no = clean(patch?.no ?? input.no);
    if (!no) problems.unshift("no: a customer number is required");
    if (patch && seen.has("name") && !clean(patch.name)) problems.push("name: a customer needs a name");
    if (no) {
      const key = no.toUpperCase();
      linesOfNo.set(key, [...(linesOfNo.get(key) ?? []), line]);
    }
    if (problems.length || !patch) {
      errors.push({ line, message: problems.join("; ") });
      continue;
    }
    rows.push({ line, no, patch });
  }

  // A number twice in one file: which row the merchant meant is unknowable, so every occurrence is an error.
  const duplicated = new Set<number>();
  for (const [key, lines] of linesOfNo) {
    if (lines.length < 2) continue;
    for (const line of lines) {
      duplicated.add(line);
      const shown = rows.find((r) => r.line === line)?.no ?? key;
      const already = errors.find((e) => e.line === line);
      const message = `customer number ${shown} appears more than once in the file (lines ${lines.join(", ")})`;
      if (already) already.message += `; ${message}`;
      else errors.push({ line, message });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows: rows.filter((r) => !duplicated.has(r.line)), errors };
}

function cutForMessage(s: string): string {
  const chars = Array.from(s);
  return chars.length > 40 ? chars.slice(0, 40).join("") + "…" : s;
}
