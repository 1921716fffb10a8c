// npm run sync: the command-line Sync, run in-process through its main() against the Shopify simulator and a fresh
// database (tests/support/app-harness.ts), with the shop's stored offline session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness, removeDatabase } from "../../tests/support/app-harness";
import type { CliIo } from "./shared";
import { exitCodeFor, main } from "./sync";

const SHOP = "cli-sync.myshopify.com";
const REVOKED = "cli-revoked.myshopify.com";
let h: Harness;

async function sync(argv: string[], o: { env?: Record<string, string | undefined>; isTTY?: boolean } = {}) {
  const out = { out: "", err: "" };
  const io: CliIo = { out: (s) => void (out.out += s), err: (s) => void (out.err += s), isTTY: o.isTTY ?? false, env: o.env ?? {} };
  const code = await main(argv, io);
  return { code, ...out };
}

const address = (id: number, first: string, last: string) => ({
  id: `gid://shopify/MailingAddress/${id}`,
  firstName: first,
  lastName: last,
  address1: "Storgatan 1",
  zip: "111 11",
  city: "Stockholm",
  countryCodeV2: "SE",
  country: "Sweden",
});

beforeAll(async () => {
  h = await startHarness({ name: "cli-sync" });
  const db = h.app.prisma;
  await h.addSession(SHOP);
  await h.app.settings.saveSettings(db, SHOP, {
    customerImport: "allCustomers",
    customerMappingType: "byEmailPhone",
    autoCreateUnknownCustomers: true,
    customerTemplateCode: "RETAIL",
  });
  await db.companyInformation.create({ data: { shop: SHOP, name: "CLI AB", countryCode: "SE" } });
  await db.erpCountry.create({ data: { shop: SHOP, code: "SE", isoCode: "SE", name: "Sweden" } });
  await db.customerTemplate.create({ data: { shop: SHOP, code: "RETAIL", genBusPostingGroup: "DOMESTIC", customerPostingGroup: "DOMESTIC", vatBusPostingGroup: "DOMESTIC", paymentTermsCode: "30D" } });
  await db.numberSeries.create({ data: { shop: SHOP, prefix: "C", next: 90001, width: 5 } });
  await h.app.master.setErpCustomer(db, SHOP, { no: "C10001", name: "Ingrid Dahl", email: "ingrid.dahl@example.test", countryCode: "SE" });
  h.sim.setCustomer(SHOP, { id: "gid://shopify/Customer/501", firstName: "Ingrid", lastName: "Dahl", defaultEmailAddress: { emailAddress: "Ingrid.Dahl@example.test" }, addresses: [address(601, "Ingrid", "Dahl")] });
  h.sim.setCustomer(SHOP, { id: "gid://shopify/Customer/502", firstName: "Nils", lastName: "Holm", defaultEmailAddress: { emailAddress: "nils@example.test" }, addresses: [address(602, "Nils", "Holm")] });
  h.sim.setCustomer(SHOP, { id: "gid://shopify/Customer/503", firstName: "Åsa", lastName: "Öberg 🎉", defaultEmailAddress: { emailAddress: "asa@example.test" }, addresses: [address(603, "Åsa", "Öberg 🎉")] });
  h.sim.setCustomer(SHOP, { id: "gid://shopify/Customer/504", firstName: "Kassa", lastName: "Kund", defaultEmailAddress: { emailAddress: "pos@example.test" }, addresses: [] });

  // A shop whose stored token Shopify no longer accepts (the app was uninstalled and the token revoked).
  await h.app.settings.saveSettings(db, REVOKED, { customerImport: "allCustomers" });
  await db.session.create({ data: { id: `offline_${REVOKED}`, shop: REVOKED, state: "", isOnline: false, scope: "read_customers", accessToken: "shpat_revoked" } });
});
afterAll(async () => {
  await h?.close();
  if (h) removeDatabase(h.dbFile);
});

describe("npm run sync", () => {
  it("runs Sync customers and prints the run's counts, which agree with the simulator and the database", async () => {
    const r = await sync(["--shop", SHOP]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const db = h.app.prisma;
    const shopify = h.sim.customers(SHOP);
    const created = await db.erpCustomer.count({ where: { shop: SHOP, no: { startsWith: "C9" } } });
    const linked = await db.mirrorCustomer.count({ where: { shop: SHOP, linkSource: "matched" } });
    const run = await db.syncRun.findFirstOrThrow({ where: { shop: SHOP, kind: "syncCustomers" }, orderBy: { id: "desc" } });
    expect(run).toMatchObject({ trigger: "cli", status: "succeeded", read: shopify.length, created, linked });
    expect([shopify.length, created, linked]).toEqual([4, 2, 1]);
    expect(r.out).toMatch(new RegExp(`^Sync customers succeeded in \\d+\\.\\d s \\(run ${run.id}\\): read 4, created 2, updated 0, linked 1, skipped 1, failed 0\\.\\n`));
    expect(r.out).toContain("  Log: 1 noAddress.\n");
    expect(r.out).toContain("  skip noAddress (gid://shopify/Customer/504): ");
  });

  it("draws a progress line with \\r on a terminal, and takes the shop from SHOP", async () => {
    h.sim.setCustomer(SHOP, { id: "gid://shopify/Customer/505", firstName: "Lina", lastName: "Berg", defaultEmailAddress: { emailAddress: "lina@example.test" }, addresses: [address(605, "Lina", "Berg")] });
    const r = await sync([], { env: { SHOP }, isTTY: true });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\rSyncing customers… read \d+\/\d+, created \d+, updated \d+, linked \d+, skipped \d+, failed \d+/);
    expect(r.out).toMatch(/\nSync customers succeeded in .*created 1, /);
  });

  it("prints no progress line when the output is not a terminal", async () => {
    const r = await sync(["--shop", SHOP]);
    expect(r.out).not.toContain("\r");
  });

  it("--export adds the given ERP customers to Shopify", async () => {
    await h.app.master.setErpCustomer(h.app.prisma, SHOP, { no: "C20001", name: "Export Kund", contact: "Eva Export", email: "eva@example.test", countryCode: "SE", phoneNo: "070-123 45 67" });
    const r = await sync(["--shop", SHOP, "--export", "C20001"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Add customers to Shopify succeeded in .*: read 1, created 0, updated 0, linked 0, exported 1, skipped 0, failed 0\.\n/);
    const made = h.sim.customers(SHOP).find((c: any) => c.defaultEmailAddress?.emailAddress === "eva@example.test" || c.email === "eva@example.test");
    expect(made).toBeTruthy();
  });

  it("--orders imports orders", async () => {
    h.sim.setOrder(SHOP, { id: "gid://shopify/Order/9001", email: "nils@example.test", customer: { id: "gid://shopify/Customer/502" }, billingAddress: address(0, "Nils", "Holm"), shippingAddress: address(0, "Nils", "Holm") });
    const r = await sync(["--shop", SHOP, "--orders"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Import orders succeeded in .*: read 1, /);
    const order = await h.app.prisma.importedOrder.findFirstOrThrow({ where: { shop: SHOP } });
    expect(order.status).toBe("mapped");
  });

  it("says what to do when the shop has no stored offline session", async () => {
    const r = await sync(["--shop", "unknown-shop.myshopify.com"]);
    expect(r).toMatchObject({
      code: 1,
      out: "",
      err: "No offline session for unknown-shop.myshopify.com: open the app in Shopify admin once, or against npm run simulator add --connect-simulator (see README, Command line).\n",
    });
  });

  it("refuses a malformed shop domain and a missing shop", async () => {
    expect(await sync(["--shop", "not a shop!"])).toMatchObject({ code: 1, err: expect.stringContaining('"not a shop!" is not a shop domain') });
    expect(await sync(["--shop", "shop.example.com"])).toMatchObject({ code: 1, err: expect.stringContaining("is not a shop domain") });
    expect(await sync([], { env: {} })).toMatchObject({ code: 1, err: expect.stringContaining("No shop given") });
    expect(await sync(["--shop", SHOP, "--export", " , "])).toMatchObject({ code: 1, err: expect.stringContaining("--export needs") });
    expect(await sync(["--shop", SHOP, "extra"])).toMatchObject({ code: 1, err: expect.stringContaining('Unexpected argument "extra"') });
  });

  it("exits 1 with the reason when the run fails as a whole (access revoked)", async () => {
    const r = await sync(["--shop", REVOKED]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Sync customers FAILED in .*\n {2}Shopify refused the shop's access token\n/);
    expect(r.out).toContain("error authRequired");
    const run = await h.app.prisma.syncRun.findFirstOrThrow({ where: { shop: REVOKED }, orderBy: { id: "desc" } });
    expect(run).toMatchObject({ status: "failed", trigger: "cli" });
  });

  it("documents the exit codes in --help", async () => {
    const r = await sync(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("0  every run succeeded");
    expect(r.out).toContain("1  a run failed as a whole");
    expect(r.out).toContain("2  the runs completed, but some customers failed");
  });

  it("maps run statuses to exit codes: succeeded 0, completedWithErrors 2, failed 1", () => {
    expect([exitCodeFor("succeeded"), exitCodeFor("completedWithErrors"), exitCodeFor("failed")]).toEqual([0, 2, 1]);
  });
});
