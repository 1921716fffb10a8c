// What Home shows: the last runs, the schedule, a few totals, and the things that need a person.
import prisma from "../db.server";
import { loadSettings } from "../sync/settings";
import { runView } from "./progress.server";
import { activeSyncJob, nextScheduledRun } from "./worker.server";

export async function homeData(shop: string) {
  const settings = await loadSettings(prisma, shop);
  const [row, runs, job, mirrored, linked, erpCount, orderCount, needsCustomer, failedJobs, lastSync, lastScheduled, usedCountries, setups, defaultExists] =
    await Promise.all([
      prisma.shopSettings.findUnique({ where: { shop }, select: { authRequired: true } }),
      prisma.syncRun.findMany({ where: { shop, kind: { not: "webhook" } }, orderBy: { id: "desc" }, take: 10 }),
      activeSyncJob(shop),
      prisma.mirrorCustomer.count({ where: { shop, deletedInShopify: false } }),
      prisma.mirrorCustomer.count({ where: { shop, deletedInShopify: false, erpCustomerNo: { not: "" } } }),
      prisma.erpCustomer.count({ where: { shop } }),
      prisma.importedOrder.count({ where: { shop } }),
      prisma.importedOrder.count({ where: { shop, status: "needsCustomer" } }),
      prisma.job.count({ where: { shop, status: "failed", finishedAt: { gte: new Date(Date.now() - 7 * 86_400_000) } } }),
      prisma.syncRun.findFirst({ where: { shop, kind: "syncCustomers", status: { not: "running" } }, orderBy: { id: "desc" } }),
      prisma.syncRun.findFirst({ where: { shop, kind: "syncCustomers", trigger: "schedule" }, orderBy: { id: "desc" } }),
      prisma.mirrorAddress.groupBy({ by: ["countryCode"], where: { shop, countryCode: { not: "" } }, _count: { _all: true } }),
      prisma.countrySetup.findMany({ where: { shop }, select: { countryCode: true } }),
      settings.defaultCustomerNo ? prisma.erpCustomer.count({ where: { shop, no: settings.defaultCustomerNo } }) : Promise.resolve(0),
    ]);
  const setUp = new Set(setups.map((s) => s.countryCode.toUpperCase()));
  const countriesWithoutSetup = usedCountries
    .filter((c) => !setUp.has(c.countryCode.toUpperCase()))
    .sort((a, b) => b._count._all - a._count._all)
    .map((c) => c.countryCode.toUpperCase());
  const lastStart = (await prisma.syncRun.findFirst({ where: { shop, kind: "syncCustomers" }, orderBy: { startedAt: "desc" }, select: { startedAt: true } }))?.startedAt ?? null;
  const next = nextScheduledRun(settings.autoSync, lastStart);
  return {
    settings,
    runs: runs.map(runView),
    activeJobId: job?.id ?? null,
    totals: { mirrored, linked, erpCount, orderCount },
    schedule: {
      autoSync: settings.autoSync,
      nextRun: next?.toISOString() ?? null,
      lastScheduled: lastScheduled?.startedAt.toISOString() ?? null,
    },
    attention: {
      authRequired: !!row?.authRequired,
      noDefaultCustomer: !settings.defaultCustomerNo || !defaultExists,
      countriesWithoutSetup,
      skippedLastRun: lastSync?.skipped ?? 0,
      lastSyncRunId: lastSync?.id ?? null,
      ordersNeedingCustomer: needsCustomer,
      failedJobs,
    },
  };
}
