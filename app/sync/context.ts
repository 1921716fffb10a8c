// What one unit of sync work needs: the shop's settings and reference data, the ERP index, the Shopify gateway,
// the log writer and the run's counters. Built once per run (or per webhook job) by loadContext.
import type { PrismaClient } from "@prisma/client";
import { toErpCustomer, type ErpCustomer } from "../erp/fields";
import type { ShopifyGateway } from "../shopify/gateway";
import { levelOf, type LogCode } from "./codes";
import { BILL_TO_FIELDS, ErpIndex, KEY_FIELDS } from "./erp-index";
import { loadSettings, type Settings } from "./settings";
import { clean } from "./text";

export interface Template {
  code: string;
  genBusPostingGroup: string;
  customerPostingGroup: string;
  vatBusPostingGroup: string;
  paymentTermsCode: string;
  taxAreaCode: string;
}

export interface TaxAreaRow {
  countryCode: string;
  county: string;
  countyCode: string;
  taxAreaCode: string;
  taxLiable: boolean;
  vatBusPostingGroup: string;
}

export interface RunCounts {
  read: number;
  created: number;
  updated: number;
  linked: number;
  exported: number;
  skipped: number;
  failed: number;
}

export interface LogEntry {
  level: string;
  code: LogCode;
  message: string;
  shopifyCustomerId?: string;
  erpCustomerNo?: string;
}

export class LogWriter {
  private buffer: LogEntry[] = [];
  constructor(
    private db: PrismaClient,
    private shop: string,
    public runId: number | null,
  ) {}

  add(code: LogCode, message: string, ids: { shopifyCustomerId?: string; erpCustomerNo?: string } = {}) {
    this.buffer.push({ level: levelOf(code), code, message, ...ids });
  }

  /** Entries not yet written (a unit of work writes them in its own transaction). */
  take(): LogEntry[] {
    const out = this.buffer;
    this.buffer = [];
    return out;
  }

  rows(entries: LogEntry[]) {
    return entries.map((e) => ({
      shop: this.shop,
      runId: this.runId,
      level: e.level,
      code: e.code,
      message: e.message,
      shopifyCustomerId: e.shopifyCustomerId ?? "",
      erpCustomerNo: e.erpCustomerNo ?? "",
    }));
  }

  async flush() {
    const entries = this.take();
    if (entries.length) await this.db.syncLogEntry.createMany({ data: this.rows(entries) });
  }
}

export interface SyncContext {
  db: PrismaClient;
  shop: string;
  gateway: ShopifyGateway | null;
  settings: Settings;
  company: { name: string; countryCode: string };
  countriesByCode: Map<string, { code: string; isoCode: string; name: string }>;
  erpCodeByIso: Map<string, string>;
  templates: Map<string, Template>;
  countrySetup: Map<string, { customerTemplateCode: string; defaultCustomerNo: string }>;
  taxAreas: TaxAreaRow[];
  numberSeries: { prefix: string; next: number; width: number };
  erp: ErpIndex;
  log: LogWriter;
  counts: RunCounts;
  /** Progress callback for long runs (CLI progress line, UI progress bar). */
  onProgress?: (counts: RunCounts, total: number | null) => void;
}

export function emptyCounts(): RunCounts {
  return { read: 0, created: 0, updated: 0, linked: 0, exported: 0, skipped: 0, failed: 0 };
}

export async function loadContext(
  db: PrismaClient,
  shop: string,
  gateway: ShopifyGateway | null,
  runId: number | null = null,
): Promise<SyncContext> {
  const [settings, company, countries, templates, setup, taxAreas, series] = await Promise.all([
    loadSettings(db, shop),
    db.companyInformation.findUnique({ where: { shop } }),
    db.erpCountry.findMany({ where: { shop } }),
    db.customerTemplate.findMany({ where: { shop } }),
    db.countrySetup.findMany({ where: { shop } }),
    db.taxArea.findMany({ where: { shop } }),
    db.numberSeries.findUnique({ where: { shop } }),
  ]);
  const countriesByCode = new Map(countries.map((c) => [c.code.toUpperCase(), { code: c.code, isoCode: clean(c.isoCode).toUpperCase(), name: c.name }]));
  const erpCodeByIso = new Map<string, string>();
  for (const c of countries) {
    const iso = clean(c.isoCode).toUpperCase();
    if (iso && !erpCodeByIso.has(iso)) erpCodeByIso.set(iso, c.code);
  }
  const companyInfo = { name: company?.name ?? "", countryCode: company?.countryCode ?? "" };
  const isoOf = (code: string) => countriesByCode.get(clean(code).toUpperCase())?.isoCode ?? "";
  const companyIso = isoOf(companyInfo.countryCode) || (/^[A-Z]{2}$/i.test(companyInfo.countryCode) ? companyInfo.countryCode.toUpperCase() : "");
  // The index holds numbers and matching keys only; full records are read when needed (see erp-index.ts).
  const withBillTo = settings.customerMappingType === "byBillToInfo";
  const read = async (nos: string[]) => (await db.erpCustomer.findMany({ where: { shop, no: { in: nos } } })).map(toErpCustomer);
  const erp = new ErpIndex({ isoOf, companyIso }, read, withBillTo);
  const select = withBillTo ? { ...KEY_FIELDS, ...BILL_TO_FIELDS } : KEY_FIELDS;
  // In pages: one query returning 100,000 rows costs several hundred MB at once in the client.
  let after = "";
  for (;;) {
    const rows = await db.erpCustomer.findMany({ where: { shop, no: { gt: after } }, orderBy: { no: "asc" }, take: 5000, select });
    for (const row of rows) erp.addKeys(row);
    if (rows.length < 5000) break;
    after = rows[rows.length - 1].no;
  }
  return {
    db,
    shop,
    gateway,
    settings,
    company: companyInfo,
    countriesByCode,
    erpCodeByIso,
    templates: new Map(templates.map((t) => [t.code.toUpperCase(), t])),
    countrySetup: new Map(setup.map((s) => [s.countryCode.toUpperCase(), s])),
    taxAreas: taxAreas.map((t) => ({ ...t })),
    numberSeries: series ? { prefix: series.prefix, next: series.next, width: series.width } : { prefix: "C", next: 1, width: 5 },
    erp,
    log: new LogWriter(db, shop, runId),
    counts: emptyCounts(),
  };
}

/** ISO code of an ERP country code ("" when unknown or without ISO). */
export function isoOfErpCountry(ctx: SyncContext, code: string): string {
  return ctx.countriesByCode.get(clean(code).toUpperCase())?.isoCode ?? "";
}

/** The company's ISO country (its ERP country through the table; a two-letter code as is). */
export function companyIso(ctx: SyncContext): string {
  const iso = isoOfErpCountry(ctx, ctx.company.countryCode);
  if (iso) return iso;
  return /^[A-Z]{2}$/i.test(ctx.company.countryCode) ? ctx.company.countryCode.toUpperCase() : "";
}

export function nextCustomerNo(ctx: SyncContext): string {
  for (;;) {
    const s = ctx.numberSeries;
    const no = s.prefix + String(s.next).padStart(s.width, "0");
    s.next++;
    if (!ctx.erp.has(no)) return no;
  }
}

export type { ErpCustomer };
