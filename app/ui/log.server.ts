// Read side of the sync log page: runs, their entries filtered by level and code, and the customer data requests.
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { runView } from "./progress.server";

export const LOG_PAGE_SIZE = 100;

export async function runIssues(shop: string, runId: number, take = 50) {
  return prisma.syncLogEntry.findMany({
    where: { shop, runId, level: { in: ["skip", "error", "warning"] } },
    orderBy: { id: "asc" },
    take,
    select: { code: true, level: true, message: true, erpCustomerNo: true, shopifyCustomerId: true },
  });
}

export async function logData(shop: string, o: { run: number | null; level: string | null; code: string | null; page: number; q: string }) {
  const where: Prisma.SyncLogEntryWhereInput = { shop };
  if (o.run) where.runId = o.run;
  if (o.level) where.level = o.level;
  if (o.code) where.code = o.code;
  if (o.q) where.OR = [{ shopifyCustomerId: { contains: o.q } }, { erpCustomerNo: { contains: o.q } }, { message: { contains: o.q } }];
  const [runs, selectedRun, total, entries, codeCounts, dataRequests] = await Promise.all([
    prisma.syncRun.findMany({ where: { shop }, orderBy: { id: "desc" }, take: 25 }),
    o.run ? prisma.syncRun.findFirst({ where: { shop, id: o.run } }) : Promise.resolve(null),
    prisma.syncLogEntry.count({ where }),
    prisma.syncLogEntry.findMany({ where, orderBy: { id: "desc" }, skip: (o.page - 1) * LOG_PAGE_SIZE, take: LOG_PAGE_SIZE }),
    prisma.syncLogEntry.groupBy({ by: ["code"], where: { shop, ...(o.run ? { runId: o.run } : {}) }, _count: { _all: true } }),
    prisma.dataRequest.findMany({ where: { shop }, orderBy: { id: "desc" }, take: 20, select: { id: true, shopifyCustomerId: true, createdAt: true } }),
  ]);
  return {
    runs: runs.map(runView),
    selectedRun: selectedRun ? runView(selectedRun) : null,
    total,
    entries: entries.map((e) => ({
      id: e.id, runId: e.runId, level: e.level, code: e.code, message: e.message, shopifyCustomerId: e.shopifyCustomerId,
      erpCustomerNo: e.erpCustomerNo, createdAt: e.createdAt.toISOString(),
    })),
    codeCounts: Object.fromEntries(codeCounts.map((c) => [c.code, c._count._all])),
    dataRequests: dataRequests.map((d) => ({ id: d.id, shopifyCustomerId: d.shopifyCustomerId, createdAt: d.createdAt.toISOString() })),
  };
}

export async function dataRequestReport(shop: string, id: number) {
  return prisma.dataRequest.findFirst({ where: { shop, id } });
}
