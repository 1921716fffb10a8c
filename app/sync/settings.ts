// Shop settings (spec §2): defaults, validation, load and save.
import { z } from "zod";
import type { PrismaClient } from "@prisma/client";

const nameSource = z.enum(["companyName", "firstAndLastName", "lastAndFirstName", "none"]);

export const settingsSchema = z.object({
  customerImport: z.enum(["withOrderImport", "allCustomers", "none"]),
  customerMappingType: z.enum(["byEmailPhone", "byBillToInfo", "defaultCustomer"]),
  shopifyCanUpdateCustomers: z.boolean(),
  autoCreateUnknownCustomers: z.boolean(),
  customerTemplateCode: z.string().max(20),
  defaultCustomerNo: z.string().max(20),
  canUpdateShopifyCustomers: z.boolean(),
  nameSource,
  name2Source: nameSource,
  contactSource: z.enum(["firstAndLastName", "lastAndFirstName", "none"]),
  countySource: z.enum(["code", "name"]),
  createCustomersWithoutAddress: z.boolean(),
  autoSync: z.enum(["off", "15m", "1h", "6h", "24h"]),
});

export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  customerImport: "withOrderImport",
  customerMappingType: "byEmailPhone",
  shopifyCanUpdateCustomers: false,
  autoCreateUnknownCustomers: false,
  customerTemplateCode: "",
  defaultCustomerNo: "",
  canUpdateShopifyCustomers: false,
  nameSource: "companyName",
  name2Source: "firstAndLastName",
  contactSource: "firstAndLastName",
  countySource: "code",
  createCustomersWithoutAddress: false,
  autoSync: "off",
};

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>;

/** The shop granted the app access again (a new offline token): it no longer waits for access (authRequired). */
export async function accessGranted(db: PrismaClient, shop: string) {
  await db.shopSettings.updateMany({ where: { shop, authRequired: true }, data: { authRequired: false } });
}

export async function loadSettings(db: PrismaClient, shop: string): Promise<Settings> {
  const row = await db.shopSettings.findUnique({ where: { shop } });
  if (!row) return { ...DEFAULT_SETTINGS };
  const out: any = {};
  for (const k of SETTING_KEYS) out[k] = (row as any)[k];
  return settingsSchema.parse(out);
}

export interface SettingsProblem {
  field: keyof Settings | "form";
  message: string;
}

/**
 * Validate a (partial) change against the shop's data: known keys and values, existing template and default
 * customer, and not both update directions on at once.
 */
export async function validateSettings(db: PrismaClient, shop: string, next: Settings): Promise<SettingsProblem[]> {
  const problems: SettingsProblem[] = [];
  const parsed = settingsSchema.safeParse(next);
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push({ field: (i.path[0] as keyof Settings) ?? "form", message: i.message });
    return problems;
  }
  if (next.customerTemplateCode) {
    const t = await db.customerTemplate.findUnique({ where: { shop_code: { shop, code: next.customerTemplateCode } } });
    if (!t) problems.push({ field: "customerTemplateCode", message: `There is no customer template "${next.customerTemplateCode}".` });
  }
  if (next.defaultCustomerNo) {
    const c = await db.erpCustomer.findUnique({ where: { shop_no: { shop, no: next.defaultCustomerNo } } });
    if (!c) problems.push({ field: "defaultCustomerNo", message: `There is no customer "${next.defaultCustomerNo}".` });
  }
  if (next.shopifyCanUpdateCustomers && next.canUpdateShopifyCustomers) {
    problems.push({
      field: "canUpdateShopifyCustomers",
      message: "Shopify can update customers and Can update Shopify customers cannot both be on: choose one direction.",
    });
  }
  return problems;
}

export class SettingsError extends Error {
  constructor(public problems: SettingsProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join("\n"));
  }
}

/**
 * Save settings. `strict` (the shop card) rejects problems; the engine-level setter used by scripts and scenarios
 * accepts the value combinations the spec defines behaviour for (both update flags on = import first, then export).
 */
export async function saveSettings(
  db: PrismaClient,
  shop: string,
  change: Partial<Settings>,
  o: { strict?: boolean } = {},
): Promise<Settings> {
  const current = await loadSettings(db, shop);
  const next: Settings = { ...current, ...change };
  // Turning Shopify → ERP updates on turns ERP → Shopify updates off (spec §2), unless both are given explicitly.
  if (change.shopifyCanUpdateCustomers === true && change.canUpdateShopifyCustomers === undefined) next.canUpdateShopifyCustomers = false;
  const problems = o.strict ? await validateSettings(db, shop, next) : shapeProblems(next);
  if (problems.length) throw new SettingsError(problems);
  // A new import mode reads from the start again: customers a previous mode did not read are not skipped for good.
  const resetWatermark = change.customerImport !== undefined && change.customerImport !== current.customerImport;
  const update = resetWatermark ? { ...next, customerWatermark: null } : next;
  await db.shopSettings.upsert({ where: { shop }, create: { shop, ...next }, update });
  return next;
}

function shapeProblems(next: Settings): SettingsProblem[] {
  const parsed = settingsSchema.safeParse(next);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ field: (i.path[0] as keyof Settings) ?? "form", message: i.message }));
}
