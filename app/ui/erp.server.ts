// Read-side queries of the ERP customer pages (list, card, pickers) and the card's save, which applies the
// customer template to a new customer's empty posting fields before the field rules of app/erp/master.ts.
import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { ERP_CUSTOMER_TEXT_FIELDS } from "../erp/fields";
import { setErpCustomer, takeNextCustomerNo } from "../erp/master";
import { and, anyColumnContains, toBool, toNumber } from "./sql.server";

import { PAGE_SIZE, type ErpFilter } from "./lists";

export interface ErpPick {
  no: string;
  name: string;
  email: string;
  city: string;
}

export async function searchErpCustomers(shop: string, q: string): Promise<ErpPick[]> {
  const text = q.trim();
  const where: Prisma.ErpCustomerWhereInput = text
    ? { shop, OR: [{ no: { contains: text } }, { name: { contains: text } }, { email: { contains: text } }, { city: { contains: text } }] }
    : { shop };
  const rows = await prisma.erpCustomer.findMany({ where, orderBy: { no: "asc" }, take: 20, select: { no: true, name: true, email: true, city: true } });
  // An exact number first, so typing a number picks it.
  return rows.sort((a, b) => Number(b.no.toLowerCase() === text.toLowerCase()) - Number(a.no.toLowerCase() === text.toLowerCase()));
}

export async function erpNames(shop: string, nos: string[]): Promise<Record<string, string>> {
  const list = [...new Set(nos.filter(Boolean))];
  if (!list.length) return {};
  const rows = await prisma.erpCustomer.findMany({ where: { shop, no: { in: list } }, select: { no: true, name: true } });
  return Object.fromEntries(rows.map((r) => [r.no, r.name]));
}

export async function listErpCustomers(shop: string, o: { q: string; filter: ErpFilter; page: number }) {
  const text = o.q.trim();
  const inShopify = Prisma.sql`EXISTS (SELECT 1 FROM "MirrorCustomer" m WHERE m.shop = e.shop AND m.erpCustomerNo = e.no AND m.deletedInShopify = 0)`;
  const conds: Prisma.Sql[] = [Prisma.sql`e.shop = ${shop}`];
  if (text) conds.push(anyColumnContains(["e.no", "e.name", "e.name2", "e.email", "e.city", "e.phoneNo"], text));
  if (o.filter === "linked") conds.push(inShopify);
  if (o.filter === "unlinked") conds.push(Prisma.sql`NOT ${inShopify}`);
  if (o.filter === "blocked") conds.push(Prisma.sql`e.blocked = 1`);
  const where = and(conds);
  const [count, rows] = await Promise.all([
    prisma.$queryRaw<Array<{ n: bigint }>>`SELECT COUNT(*) AS n FROM "ErpCustomer" e WHERE ${where}`,
    prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT e.no, e.name, e.name2, e.email, e.phoneNo, e.city, e.countryCode, e.blocked, CASE WHEN ${inShopify} THEN 1 ELSE 0 END AS inShopify
      FROM "ErpCustomer" e WHERE ${where} ORDER BY e.no LIMIT ${PAGE_SIZE} OFFSET ${(o.page - 1) * PAGE_SIZE}`,
  ]);
  return {
    total: toNumber(count[0]?.n),
    rows: rows.map((r) => ({
      no: String(r.no), name: String(r.name), name2: String(r.name2), email: String(r.email), phoneNo: String(r.phoneNo), city: String(r.city),
      countryCode: String(r.countryCode), blocked: toBool(r.blocked), inShopify: toBool(r.inShopify),
    })),
  };
}

export async function erpReferenceData(shop: string) {
  const [templates, countries] = await Promise.all([
    prisma.customerTemplate.findMany({ where: { shop }, orderBy: { code: "asc" } }),
    prisma.erpCountry.findMany({ where: { shop }, orderBy: { code: "asc" } }),
  ]);
  return {
    templates: templates.map((t) => ({ code: t.code, description: t.description })),
    countries: countries.map((c) => ({ code: c.code, isoCode: c.isoCode, name: c.name })),
  };
}

export async function erpCard(shop: string, no: string) {
  const row = await prisma.erpCustomer.findUnique({ where: { shop_no: { shop, no } } });
  if (!row) return null;
  const mirrors = await prisma.mirrorCustomer.findMany({
    where: { shop, erpCustomerNo: no },
    select: { shopifyId: true, firstName: true, lastName: true, email: true, linkSource: true, deletedInShopify: true },
  });
  const { shop: _s, createdAt, updatedAt, ...fields } = row;
  return { customer: { ...fields, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() }, mirrors };
}

/** Whether the number is free, for a new customer typed by hand. */
export async function erpNoExists(shop: string, no: string) {
  return !!(await prisma.erpCustomer.findUnique({ where: { shop_no: { shop, no } }, select: { no: true } }));
}

/**
 * Save the card. A new customer without a number takes the next one of the series; a new customer with a template
 * gets the template's posting groups, payment terms and tax area in the fields left empty.
 */
export async function saveErpCard(shop: string, input: Record<string, unknown>, isNew: boolean) {
  const values = { ...input };
  if (isNew) {
    const code = String(values.templateCode ?? "").trim();
    if (code) {
      const t = await prisma.customerTemplate.findUnique({ where: { shop_code: { shop, code } } });
      if (t) {
        for (const k of ["genBusPostingGroup", "customerPostingGroup", "vatBusPostingGroup", "paymentTermsCode", "taxAreaCode"] as const) {
          if (!String(values[k] ?? "").trim()) values[k] = t[k];
        }
      }
    }
    if (!String(values.no ?? "").trim()) values.no = await takeNextCustomerNo(prisma, shop);
  }
  return setErpCustomer(prisma, shop, values);
}

export const ERP_TEXT_FIELDS = ERP_CUSTOMER_TEXT_FIELDS;
