// The ERP customer master kept in the app's database: create, change and delete customers with the field rules
// of spec §1, and what a deletion means for links (cleared, and the Shopify customer matched again next Sync).
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { clean, charLength } from "../sync/text";
import { ERP_CUSTOMER_TEXT_FIELDS, emptyErpCustomer, toErpCustomer, type ErpCustomer } from "./fields";

// ERP fields are single lines: a line break or tab inside a value (a multi-line spreadsheet cell) becomes one
// space; other control characters (NUL, escape…) would break the ERP and Shopify sides and are refused.
const CONTROL = /[\u0000-\u001F\u007F]/u;
const oneLine = (v: unknown) => (typeof v === "string" ? v.replace(/\s*[\r\n\t]+\s*/gu, " ") : v);
const textField = (max: number, label: string) =>
  z.preprocess(
    (v) => clean(oneLine(v)),
    z
      .string()
      .refine((s) => !CONTROL.test(s), { message: `${label} contains a control character (such as a line break); remove it` })
      .refine((s) => charLength(s) <= max, { message: `${label} can be at most ${max} characters` }),
  );

const shape: Record<string, z.ZodTypeAny> = {};
for (const [k, max] of Object.entries(ERP_CUSTOMER_TEXT_FIELDS)) shape[k] = textField(max, k).optional();
shape.taxLiable = z.preprocess((v) => (typeof v === "string" ? /^(true|1|yes|ja)$/i.test(v.trim()) : v), z.boolean()).optional();
shape.blocked = z.preprocess((v) => (typeof v === "string" ? /^(true|1|yes|ja)$/i.test(v.trim()) : v), z.boolean()).optional();
export const erpCustomerPatchSchema = z.object(shape).strict();
export type ErpCustomerPatch = Partial<ErpCustomer>;

export class ErpValidationError extends Error {
  constructor(public issues: Array<{ field: string; message: string }>) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("; "));
  }
}

export function validatePatch(input: Record<string, unknown>): ErpCustomerPatch {
  const r = erpCustomerPatchSchema.safeParse(input);
  if (!r.success) throw new ErpValidationError(r.error.issues.map((i) => ({ field: String(i.path[0] ?? "customer"), message: i.message })));
  return r.data as ErpCustomerPatch;
}

/** Create or change an ERP customer (given keys only). A new customer needs a number and a name. */
export async function setErpCustomer(db: PrismaClient, shop: string, input: Record<string, unknown>): Promise<ErpCustomer> {
  const patch = validatePatch(input);
  const no = clean(patch.no);
  if (!no) throw new ErpValidationError([{ field: "no", message: "A customer number is required" }]);
  const existing = await db.erpCustomer.findUnique({ where: { shop_no: { shop, no } } });
  if (existing) {
    const row = await db.erpCustomer.update({ where: { shop_no: { shop, no } }, data: { ...patch, no } });
    return toErpCustomer(row);
  }
  const row = await db.erpCustomer.create({ data: { ...emptyErpCustomer(no), ...patch, no, shop } });
  return toErpCustomer(row);
}

/** The next free number of the shop's customer number series. */
export async function takeNextCustomerNo(db: PrismaClient, shop: string): Promise<string> {
  const s = (await db.numberSeries.findUnique({ where: { shop } })) ?? { prefix: "C", next: 1, width: 5 };
  let next = s.next;
  for (;;) {
    const no = s.prefix + String(next).padStart(s.width, "0");
    next++;
    if (!(await db.erpCustomer.findUnique({ where: { shop_no: { shop, no } } }))) {
      await db.numberSeries.upsert({ where: { shop }, create: { shop, prefix: s.prefix, width: s.width, next }, update: { next } });
      return no;
    }
  }
}

/**
 * Delete an ERP customer. Links to it are cleared at once (logged `staleLinkCleared`) and those mirror customers
 * are marked to be matched again in the next Sync, even if they do not change in Shopify. Orders keep their numbers.
 */
export async function deleteErpCustomer(db: PrismaClient, shop: string, no: string): Promise<{ linksCleared: number }> {
  const linked = await db.mirrorCustomer.findMany({ where: { shop, erpCustomerNo: no }, select: { shopifyId: true } });
  await db.$transaction([
    db.erpCustomer.deleteMany({ where: { shop, no } }),
    db.mirrorCustomer.updateMany({ where: { shop, erpCustomerNo: no }, data: { erpCustomerNo: "", linkSource: "", needsMatch: true, exportHash: "" } }),
    db.mirrorAddress.updateMany({ where: { shop, erpCustomerNo: no }, data: { erpCustomerNo: "" } }),
    db.syncLogEntry.createMany({
      data: linked.map((m) => ({
        shop,
        level: "info",
        code: "staleLinkCleared",
        message: `ERP customer ${no} was deleted; the link was cleared and the Shopify customer will be matched again.`,
        shopifyCustomerId: m.shopifyId,
        erpCustomerNo: no,
      })),
    }),
  ]);
  return { linksCleared: linked.length };
}
