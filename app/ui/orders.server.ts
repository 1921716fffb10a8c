// Read side of the imported orders page, and "Import orders" (the catch-up for missed orders/create webhooks) as a
// background job.
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { enqueue } from "../jobs/queue";
import { erpNames } from "./erp.server";

import { PAGE_SIZE, type OrderFilter } from "./lists";

function block(raw: string) {
  try {
    const a = JSON.parse(raw || "{}") as Record<string, string | undefined>;
    const name = [a.firstName, a.lastName].filter(Boolean).join(" ");
    return { name: a.company || name, person: a.company ? name : "", city: a.city ?? "", countryCode: a.countryCode ?? "" };
  } catch {
    return { name: "", person: "", city: "", countryCode: "" };
  }
}

export async function listOrders(shop: string, o: { q: string; filter: OrderFilter; page: number }) {
  const where: Prisma.ImportedOrderWhereInput = { shop };
  if (o.filter === "needsCustomer") where.status = "needsCustomer";
  if (o.filter === "mapped") where.status = "mapped";
  if (o.filter === "manual") where.manual = true;
  const q = o.q.trim();
  if (q) where.OR = [{ name: { contains: q } }, { email: { contains: q } }, { sellToCustomerNo: { contains: q } }, { billToCustomerNo: { contains: q } }];
  const [total, rows] = await Promise.all([
    prisma.importedOrder.count({ where }),
    prisma.importedOrder.findMany({ where, orderBy: [{ orderCreatedAt: "desc" }, { importedAt: "desc" }], skip: (o.page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
  ]);
  const names = await erpNames(shop, rows.flatMap((r) => [r.sellToCustomerNo, r.billToCustomerNo]));
  return {
    total,
    rows: rows.map((r) => ({
      shopifyId: r.shopifyId,
      numericId: r.shopifyId.replace(/^.*\//, ""),
      name: r.name,
      email: r.email,
      guest: !r.shopifyCustomerId,
      createdAt: (r.orderCreatedAt ?? r.importedAt).toISOString(),
      sellToCustomerNo: r.sellToCustomerNo,
      sellToName: names[r.sellToCustomerNo] ?? "",
      billToCustomerNo: r.billToCustomerNo,
      billToName: names[r.billToCustomerNo] ?? "",
      billTo: block(r.billTo),
      shipTo: block(r.shipTo),
      status: r.status,
      reason: r.reason,
      manual: r.manual,
    })),
  };
}

export async function startOrderImport(shop: string) {
  const active = await prisma.job.findFirst({ where: { shop, kind: "importOrders", status: { in: ["queued", "running"] } } });
  if (active) return { jobId: active.id, started: false };
  const job = await enqueue(prisma, { shop, kind: "importOrders", key: `orders:${shop}`, payload: { trigger: "manual" }, maxAttempts: 1 });
  return { jobId: job.id, started: true };
}

export async function jobState(shop: string, id: number) {
  return prisma.job.findFirst({ where: { shop, id }, select: { id: true, status: true, lastError: true } });
}
