// The scenario runner (../shared/scenarios/FORMAT.md): each file starts from an empty database and an empty
// simulator, loads its setup, runs its steps through the app's own modules (webhooks through the real route over
// HTTP), and compares the final state with `expect`.
import { readFileSync } from "node:fs";
import type { Harness } from "../support/app-harness";
import { matchValue } from "./match";

export const SCENARIO_SHOP = "scenario-shop.myshopify.com";

export interface ScenarioResult {
  file: string;
  name: string;
  passed: boolean;
  pending: string[];
  diffs: string[];
  error?: string;
  state?: any;
}

const TOP_LEVEL_KEYS = new Set(["name", "description", "settings", "erp", "countrySetup", "taxAreas", "shopify", "mirror", "steps", "expect"]);

const KNOWN_STEPS = new Set([
  "syncCustomers", "addCustomersToShopify", "webhook", "importOrders", "shopify.setCustomer", "shopify.deleteCustomer",
  "erp.setCustomer", "erp.deleteCustomer", "settings", "link", "simulator.fault",
]);

export async function runScenarioFile(h: Harness, file: string, o: { dump?: boolean } = {}): Promise<ScenarioResult> {
  let scenario: any;
  try {
    scenario = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { file, name: file, passed: false, pending: [], diffs: [], error: `Cannot read scenario: ${(e as Error).message}` };
  }
  const name = scenario?.name ?? file;
  const unknown = Object.keys(scenario ?? {}).filter((k) => !TOP_LEVEL_KEYS.has(k));
  if (!scenario || typeof scenario !== "object" || Array.isArray(scenario)) {
    return { file, name, passed: false, pending: [], diffs: [], error: "A scenario file must hold one JSON object (FORMAT.md)." };
  }
  if (unknown.length) return { file, name, passed: false, pending: [], diffs: [], error: `Unknown top-level keys: ${unknown.join(", ")} (FORMAT.md lists the keys).` };
  if (!scenario.expect || typeof scenario.expect !== "object") {
    return { file, name, passed: false, pending: [], diffs: [], error: 'The scenario has no "expect": there would be nothing to check.' };
  }
  if (!Array.isArray(scenario.steps)) return { file, name, passed: false, pending: [], diffs: [], error: 'The scenario has no "steps" list.' };
  const pending = (scenario.steps ?? []).map((s: any) => s.do).filter((d: string) => !KNOWN_STEPS.has(d));
  if (pending.length) return { file, name, passed: false, pending, diffs: [] };
  const knownNos = new Set<string>();
  try {
    await setup(h, scenario, knownNos);
    for (const [i, step] of (scenario.steps ?? []).entries()) {
      try {
        await runStep(h, step, knownNos);
      } catch (e) {
        throw new Error(`step ${i + 1} (${step.do}): ${(e as Error).stack ?? e}`);
      }
    }
    const state = await dumpState(h);
    const diffs: string[] = [];
    for (const key of Object.keys(scenario.expect ?? {})) {
      diffs.push(...matchValue(scenario.expect[key], (state as any)[key], key, { knownNos }));
    }
    return { file, name, passed: diffs.length === 0, pending: [], diffs, state: o.dump ? state : undefined };
  } catch (e) {
    return { file, name, passed: false, pending: [], diffs: [], error: (e as Error).message };
  }
}

const shop = SCENARIO_SHOP;

async function setup(h: Harness, s: any, knownNos: Set<string>) {
  const { app, sim } = h;
  const db = app.prisma;
  await h.wipe();
  sim.reset();
  await h.addSession(shop);
  await app.settings.saveSettings(db, shop, { ...app.settings.DEFAULT_SETTINGS, ...(s.settings ?? {}) });
  const erp = s.erp ?? {};
  await db.companyInformation.create({ data: { shop, name: erp.company?.name ?? "", countryCode: erp.company?.countryCode ?? "" } });
  for (const c of erp.countries ?? []) await db.erpCountry.create({ data: { shop, code: c.code, isoCode: c.isoCode ?? "", name: c.name ?? "" } });
  for (const t of erp.templates ?? []) await db.customerTemplate.create({ data: { shop, ...t } });
  for (const c of erp.customers ?? []) {
    knownNos.add(c.no);
    await app.master.setErpCustomer(db, shop, c);
  }
  const ns = erp.numberSeries ?? { prefix: "C", next: 90001, width: 5 };
  await db.numberSeries.create({ data: { shop, prefix: ns.prefix ?? "C", next: ns.next ?? 1, width: ns.width ?? 5 } });
  for (const r of s.countrySetup ?? []) {
    await db.countrySetup.create({ data: { shop, countryCode: r.countryCode, customerTemplateCode: r.customerTemplateCode ?? "", defaultCustomerNo: r.defaultCustomerNo ?? "" } });
  }
  for (const t of s.taxAreas ?? []) {
    await db.taxArea.create({
      data: { shop, countryCode: t.countryCode, county: t.county, countyCode: t.countyCode ?? "", taxAreaCode: t.taxAreaCode ?? "", taxLiable: Boolean(t.taxLiable), vatBusPostingGroup: t.vatBusPostingGroup ?? "" },
    });
  }
  for (const c of s.shopify?.customers ?? []) sim.setCustomer(shop, c);
  for (const o of s.shopify?.orders ?? []) sim.setOrder(shop, o);
  for (const m of s.mirror ?? []) {
    const node = sim.customers(shop).find((c: any) => c.id === m.shopifyCustomerId);
    if (!node) throw new Error(`mirror: the simulator has no customer ${m.shopifyCustomerId}`);
    const customer = app.adapters.customerFromGraphql(node);
    const next = app.mirror.nextMirror(shop, customer, undefined);
    next.row.erpCustomerNo = m.erpCustomerNo ?? "";
    next.row.linkSource = m.linkSource ?? (m.erpCustomerNo ? "matched" : "");
    await db.$transaction(app.mirror.mirrorWrites(db, shop, next.row, next.addresses, true));
  }
  sim.resetRequests(shop);
}

async function runStep(h: Harness, step: any, knownNos: Set<string>) {
  const { app, sim } = h;
  const { sync, jobQueue } = app.service;
  switch (step.do) {
    case "syncCustomers":
      await sync.syncCustomers(shop, { trigger: "manual" });
      return;
    case "addCustomersToShopify":
      await sync.addCustomersToShopify(shop, step.customerNos ?? "all", "manual");
      return;
    case "importOrders":
      await sync.importOrders(shop, "manual");
      return;
    case "webhook": {
      let payload = step.payload;
      if (!payload) payload = sim.webhookPayload(shop, step.topic, step.id);
      else payload = { ...payload };
      if (payload && typeof payload === "object") {
        if (step.topic.startsWith("shop/") || step.topic.startsWith("customers/redact") || step.topic.startsWith("customers/data_request")) {
          payload.shop_domain ??= shop;
        }
      }
      const res = await sim.deliverWebhook(shop, step.topic, payload, { webhookId: step.webhookId, url: h.webhookUrl });
      if (res.status >= 300) throw new Error(`the app answered the webhook with HTTP ${res.status}`);
      await jobQueue({ backoffScale: 0.001 }).drain({ includeDelayed: true, timeoutMs: 20_000 });
      return;
    }
    case "shopify.setCustomer":
      sim.setCustomer(shop, step.customer);
      return;
    case "shopify.deleteCustomer":
      sim.deleteCustomer(shop, step.id);
      return;
    case "erp.setCustomer":
      if (step.customer?.no) knownNos.add(step.customer.no);
      await app.master.setErpCustomer(app.prisma, shop, step.customer);
      return;
    case "erp.deleteCustomer":
      await app.master.deleteErpCustomer(app.prisma, shop, step.no);
      return;
    case "settings":
      await app.settings.saveSettings(app.prisma, shop, step.set ?? {});
      return;
    case "link":
      await sync.linkManually(shop, step.shopifyCustomerId, step.erpCustomerNo);
      return;
    case "simulator.fault":
      sim.fault(shop, step.fault);
      return;
    default:
      throw new Error(`unknown step ${step.do}`);
  }
}

export async function dumpState(h: Harness) {
  const db = h.app.prisma;
  const [customers, countrySetup, mirrors, addresses, orders, log] = await Promise.all([
    db.erpCustomer.findMany({ where: { shop }, orderBy: { no: "asc" } }),
    db.countrySetup.findMany({ where: { shop } }),
    db.mirrorCustomer.findMany({ where: { shop }, orderBy: { shopifyId: "asc" } }),
    db.mirrorAddress.findMany({ where: { shop }, orderBy: [{ customerShopifyId: "asc" }, { position: "asc" }] }),
    db.importedOrder.findMany({ where: { shop }, orderBy: { shopifyId: "asc" } }),
    db.syncLogEntry.findMany({ where: { shop }, orderBy: { id: "asc" } }),
  ]);
  const strip = (r: any) => {
    const { shop: _s, createdAt: _c, updatedAt: _u, ...rest } = r;
    return rest;
  };
  return {
    erp: {
      customers: customers.map(strip),
      countrySetup: countrySetup.map(({ shop: _s, ...r }) => r),
    },
    shopify: { customers: h.sim.customers(shop) },
    mirror: mirrors.map((m) => ({
      shopifyCustomerId: m.shopifyId,
      erpCustomerNo: m.erpCustomerNo,
      linkSource: m.linkSource,
      deletedInShopify: m.deletedInShopify,
      addresses: addresses.filter((a) => a.customerShopifyId === m.shopifyId).map((a) => ({ id: a.shopifyId, isDefault: a.isDefault, erpCustomerNo: a.erpCustomerNo })),
    })),
    orders: orders.map((o) => ({ shopifyOrderId: o.shopifyId, sellToCustomerNo: o.sellToCustomerNo, billToCustomerNo: o.billToCustomerNo, status: o.status, reason: o.reason })),
    log: log.map((l) => ({ level: l.level, code: l.code, shopifyCustomerId: l.shopifyCustomerId, erpCustomerNo: l.erpCustomerNo, message: l.message })),
    requests: h.sim.requests(shop),
  };
}
