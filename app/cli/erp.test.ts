// npm run erp: the CSV import/export tool, run in-process through its main() on a fresh database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT, migrateFresh, removeDatabase } from "../../tests/support/app-harness";
import type { CliIo } from "./shared";
import { main } from "./erp";

const SHOP = "cli-erp.myshopify.com";
const fixture = (name: string) => path.join(ROOT, "tests/fixtures/erp", name);
let prisma: PrismaClient;
let dbFile = "";
let dir: string;

function capture(env: Record<string, string | undefined> = {}) {
  const o = { out: "", err: "" };
  const io: CliIo = { out: (s) => void (o.out += s), err: (s) => void (o.err += s), isTTY: false, env };
  return { io, o };
}

async function erp(argv: string[], env: Record<string, string | undefined> = {}) {
  const { io, o } = capture(env);
  const code = await main(argv, io);
  return { code, ...o };
}

beforeAll(async () => {
  const file = (dbFile = path.join(ROOT, "tmp", `cli-erp-${process.pid}.sqlite`));
  migrateFresh(file);
  process.env.DATABASE_URL = "file:" + file;
  prisma = (await import("../db.server")).default;
  await prisma.companyInformation.create({ data: { shop: SHOP, name: "CLI AB", countryCode: "SE" } });
  dir = mkdtempSync(path.join(ROOT, "tmp", "cli-erp-"));
});
afterAll(async () => {
  await prisma?.$disconnect();
  if (dbFile) removeDatabase(dbFile);
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await prisma.erpCustomer.deleteMany({});
});

describe("npm run erp -- import", () => {
  it("imports a file and says how many were created and updated", async () => {
    const r = await erp(["import", fixture("customers-excel-semicolon-bom.csv"), "--shop", SHOP]);
    expect(r.err).toBe("");
    expect(r.out).toBe(`Imported 5 ERP customers into ${SHOP}: 5 created, 0 updated.\n`);
    expect(r.code).toBe(0);
    expect(await prisma.erpCustomer.count({ where: { shop: SHOP } })).toBe(5);
  });

  it("takes the shop from SHOP, and accepts a bare store name", async () => {
    expect((await erp(["import", fixture("customers-comma-partial.csv")], { SHOP })).code).toBe(0);
    expect((await erp(["import", fixture("customers-comma-partial.csv"), "--shop", "cli-erp"])).out).toContain("0 created, 2 updated");
  });

  it("writes nothing from a file with a bad row, lists the lines and exits 1", async () => {
    const r = await erp(["import", fixture("customers-bad-row-in-middle.csv"), "--shop", SHOP]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("was not imported: 2 bad rows. Nothing was written.");
    expect(r.err).toContain("  line 4: email can be at most 80 characters (this one has 88)\n");
    expect(r.err).toContain("  line 6: no: a customer number is required\n");
    expect(r.err).toContain("--skip-bad-rows");
    expect(await prisma.erpCustomer.count()).toBe(0);
  });

  it("with --skip-bad-rows imports the good rows, lists the bad ones and exits 2", async () => {
    const r = await erp(["import", fixture("customers-bad-row-in-middle.csv"), "--shop", SHOP, "--skip-bad-rows"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe(`Imported 4 ERP customers into ${SHOP}: 4 created, 0 updated.\n`);
    expect(r.err).toContain("Skipped 2 bad rows:\n  line 4: ");
    expect(await prisma.erpCustomer.count()).toBe(4);
  });

  it("lists the first 20 line errors and says how many more there are", async () => {
    const rows = ["no,name", ...Array.from({ length: 25 }, (_, i) => `K${i},${"x".repeat(101)}`)];
    const file = path.join(dir, "many-bad.csv");
    writeFileSync(file, rows.join("\n"));
    const r = await erp(["import", file, "--shop", SHOP]);
    expect(r.code).toBe(1);
    const listed = r.err.split("\n").filter((l) => l.startsWith("  line "));
    expect(listed).toHaveLength(20);
    expect(listed[0]).toBe("  line 2: name can be at most 100 characters (this one has 101)");
    expect(listed[19]).toMatch(/^ {2}line 21: /);
    expect(r.err).toContain("  … and 5 more.\n");
  });

  it("refuses a file with an unknown column, a file that is not UTF-8, a missing file and a folder", async () => {
    const unknown = await erp(["import", fixture("customers-unknown-column.csv"), "--shop", SHOP]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('line 1: Unknown column "discount"');
    const cp1252 = await erp(["import", fixture("customers-windows-1252.csv"), "--shop", SHOP]);
    expect(cp1252.code).toBe(1);
    expect(cp1252.err).toContain("not UTF-8");
    const missing = await erp(["import", path.join(dir, "nope.csv"), "--shop", SHOP]);
    expect(missing).toMatchObject({ code: 1, err: `No such file: ${path.join(dir, "nope.csv")}\n` });
    expect((await erp(["import", dir, "--shop", SHOP])).err).toContain("is a folder");
  });
});

describe("npm run erp -- export", () => {
  it("writes every customer to a file, and to the screen with -", async () => {
    await erp(["import", fixture("customers-excel-semicolon-bom.csv"), "--shop", SHOP]);
    const file = path.join(dir, "out.csv");
    const r = await erp(["export", file, "--shop", SHOP, "--bom"]);
    expect(r).toMatchObject({ code: 0, out: `Exported 5 ERP customers of ${SHOP} to ${file}.\n` });
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("\uFEFFno,name,name2,contact,")).toBe(true);
    expect(text).toContain('"Café ""Zoë"" ☕🎉"');

    const screen = await erp(["export", "-", "--shop", SHOP, "--semicolon"]);
    expect(screen.code).toBe(0);
    expect(screen.out.startsWith("no;name;name2;")).toBe(true);

    // And back in: the same file updates the five customers.
    expect((await erp(["import", file, "--shop", SHOP])).out).toContain("0 created, 5 updated");
  });

  it("says so when the folder does not exist", async () => {
    const r = await erp(["export", path.join(dir, "no-such-folder", "out.csv"), "--shop", SHOP]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("does not exist");
  });
});

describe("arguments", () => {
  it("needs a shop: --shop, else SHOP, else a clear message", async () => {
    const r = await erp(["export", "-"], {});
    expect(r).toMatchObject({ code: 1, err: "No shop given: pass --shop <store>.myshopify.com or set SHOP in the environment.\n" });
  });

  it("refuses a malformed shop domain and an unknown shop", async () => {
    expect((await erp(["export", "-", "--shop", "https://evil.example.com"])).err).toContain("is not a shop domain");
    const unknown = await erp(["export", "-", "--shop", "typo-shop.myshopify.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("Unknown shop typo-shop.myshopify.com");
  });

  it("explains the commands on --help, no command, an unknown command or option, and a missing file name", async () => {
    expect(await erp(["--help"])).toMatchObject({ code: 0, out: expect.stringContaining("Exit codes:") });
    expect((await erp([])).code).toBe(1);
    expect((await erp(["frobnicate", "x.csv", "--shop", SHOP])).err).toContain('Unknown command "frobnicate"');
    expect((await erp(["import", "x.csv", "--shop", SHOP, "--force"])).err).toContain("Unknown option '--force'");
    expect((await erp(["import", "--shop", SHOP])).err).toContain("Which file?");
  });
});
