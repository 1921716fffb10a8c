// Read side of the Shopify customers page (the app's mirror of Shopify customers, with their links and their last
// problem), and "Sync now" for selected customers.
import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { erpNames } from "./erp.server";
import { and, anyColumnContains, toBool, toNumber } from "./sql.server";
import { startSync } from "./worker.server";

import { PAGE_SIZE, type CustomerFilter } from "./lists";

/** Not linked, still in Shopify, and either waiting to be matched again or skipped / failed by a run. */
const needsAttention = Prisma.sql`(m.erpCustomerNo = '' AND m.deletedInShopify = 0 AND (m.needsMatch = 1 OR EXISTS (
  SELECT 1 FROM "SyncLogEntry" l WHERE l.shop = m.shop AND l.shopifyCustomerId = m.shopifyId AND l.level IN ('skip', 'error'))))`;

export async function listShopifyCustomers(shop: string, o: { q: string; filter: CustomerFilter; page: number }) {
  const conds: Prisma.Sql[] = [Prisma.sql`m.shop = ${shop}`];
  const text = o.q.trim();
  if (text) {
    const numeric = /^\d+$/.test(text) ? [`m.shopifyId`] : [];
    conds.push(anyColumnContains(["m.firstName", "m.lastName", "(m.firstName || ' ' || m.lastName)", "m.email", "m.phone", "m.erpCustomerNo", ...numeric], text));
  }
  if (o.filter === "linked") conds.push(Prisma.sql`m.erpCustomerNo <> '' AND m.deletedInShopify = 0`);
  if (o.filter === "unlinked") conds.push(Prisma.sql`m.erpCustomerNo = '' AND m.deletedInShopify = 0`);
  if (o.filter === "attention") conds.push(needsAttention);
  if (o.filter === "deleted") conds.push(Prisma.sql`m.deletedInShopify = 1`);
  const where = and(conds);
  const [count, rows] = await Promise.all([
    prisma.$queryRaw<Array<{ n: bigint }>>`SELECT COUNT(*) AS n FROM "MirrorCustomer" m WHERE ${where}`,
    prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT m.shopifyId, m.firstName, m.lastName, m.email, m.phone, m.state, m.erpCustomerNo, m.linkSource, m.deletedInShopify, m.needsMatch, m.defaultAddressId
      FROM "MirrorCustomer" m WHERE ${where}
      ORDER BY lower(m.lastName), lower(m.firstName), m.shopifyId
      LIMIT ${PAGE_SIZE} OFFSET ${(o.page - 1) * PAGE_SIZE}`,
  ]);
  const ids = rows.map((r) => String(r.shopifyId));
  const [addresses, issues, names] = await Promise.all([
    prisma.mirrorAddress.findMany({ where: { shop, customerShopifyId: { in: ids } }, orderBy: { position: "asc" }, select: { shopifyId: true, customerShopifyId: true, company: true, city: true, countryCode: true, isDefault: true } }),
    prisma.syncLogEntry.findMany({
      where: { shop, shopifyCustomerId: { in: ids }, level: { in: ["skip", "error", "warning"] } },
      orderBy: { id: "desc" },
      select: { shopifyCustomerId: true, code: true, level: true, message: true, createdAt: true },
    }),
    erpNames(shop, rows.map((r) => String(r.erpCustomerNo))),
  ]);
  const lastIssue = new Map<string, (typeof issues)[number]>();
  for (const i of issues) if (!lastIssue.has(i.shopifyCustomerId)) lastIssue.set(i.shopifyCustomerId, i);
  return {
    total: toNumber(count[0]?.n),
    rows: rows.map((r) => {
      const id = String(r.shopifyId);
      const own = addresses.filter((a) => a.customerShopifyId === id);
      const addr = own.find((a) => a.shopifyId === r.defaultAddressId) ?? own.find((a) => a.isDefault) ?? own[0];
      const issue = lastIssue.get(id);
      const erpNo = String(r.erpCustomerNo);
      return {
        shopifyId: id,
        numericId: id.replace(/^.*\//, ""),
        firstName: String(r.firstName),
        lastName: String(r.lastName),
        email: String(r.email),
        phone: String(r.phone),
        company: addr?.company ?? "",
        city: addr?.city ?? "",
        countryCode: addr?.countryCode ?? "",
        erpCustomerNo: erpNo,
        erpCustomerName: names[erpNo] ?? "",
        linkSource: String(r.linkSource),
        deletedInShopify: toBool(r.deletedInShopify),
        needsMatch: toBool(r.needsMatch),
        issue: issue ? { code: issue.code, level: issue.level, message: issue.message } : null,
      };
    }),
  };
}

/**
 * "Sync now" for selected customers: they are marked to be processed again (from the app's copy of them, as after a
 * deleted ERP link) and a Sync customers run starts, which also reads whatever changed in Shopify since the last run.
 * Manual links stay (spec §4.1).
 */
export async function syncSelectedNow(shop: string, shopifyIds: string[]) {
  const marked = await prisma.mirrorCustomer.updateMany({ where: { shop, shopifyId: { in: shopifyIds }, deletedInShopify: false }, data: { needsMatch: true } });
  const { job, started } = await startSync(shop, "manual");
  return { marked: marked.count, jobId: job.id, started };
}
