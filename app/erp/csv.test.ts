// The ERP customer master as CSV: real fixture files (tests/fixtures/erp) into a fresh database and back out.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT, migrateFresh } from "../../tests/support/app-harness";
import { ERP_CUSTOMER_FIELDS } from "./fields";
import { setErpCustomer } from "./master";
import { detectDelimiter, erpCustomersToCsv, exportErpCsv, importErpCsv } from "./csv";

const SHOP = "csv-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const fixture = (name: string) => readFileSync(path.join(ROOT, "tests/fixtures/erp", name));

let db: PrismaClient;
let dbFile = "";
beforeAll(() => {
  const file = (dbFile = path.join(ROOT, "tmp", `erp-csv-${process.pid}.sqlite`));
  migrateFresh(file);
  db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: "file:" + file }) });
});
afterAll(async () => {
  await db?.$disconnect();
  for (const suffix of ["", "-journal", "-wal", "-shm"]) if (dbFile) rmSync(dbFile + suffix, { force: true });
});
beforeEach(async () => {
  await db.erpCustomer.deleteMany({});
});

const customers = (shop = SHOP) => db.erpCustomer.findMany({ where: { shop }, orderBy: { no: "asc" } });

describe("importErpCsv", () => {
  it("reads Excel's semicolon file with BOM, CRLF, quoted line breaks, diacritics, emoji, RTL and combining marks", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-excel-semicolon-bom.csv"));
    expect(r).toEqual({ imported: 5, created: 5, updated: 0, errors: [] });
    const rows = await customers();
    expect(rows.map((c) => c.no)).toEqual(["K10001", "K10002", "K10003", "K10004", "K10005"]);
    const [k1, k2, k3, k4, k5] = rows;
    expect(k1).toMatchObject({ name: "Ångström Fiskeläge AB", contact: "Åsa Öberg", postCode: "114 51", countryCode: "SE", phoneNo: "+46 8 123 456 78", taxLiable: false, blocked: false });
    // A separator inside quotes, a line break inside quotes, a multi-address email field.
    expect(k2).toMatchObject({ name: "Müller; Söhne & Töchter GmbH", address: "Königstraße 5 Hinterhaus", county: "BW", email: "j.mueller@example.test; buchhaltung@example.test", taxLiable: true });
    // Doubled quotes, emoji, and a combining acute stored in NFC.
    expect(k3.name).toBe('Café "Zoë" ☕🎉');
    expect(k3.contact).toBe("Zoë Çárdenas");
    expect(k3.contact).toBe(k3.contact.normalize("NFC"));
    expect(k3.address2).toBe("Bâtiment B 2e étage"); // a multi-line cell becomes one line
    // Right-to-left text is kept as written; 1 / 0 are yes / no.
    expect(k4).toMatchObject({ name: 'שלום בע"מ', contact: "ليلى حداد", city: "תל אביב", taxLiable: false, blocked: true });
    // A zero-width space at the end is trimmed; the emoji stays.
    expect(k5).toMatchObject({ name: "Ærø Bryggeri 🍺", name2: "Ærøskøbing", contact: "Søren Kierkegaard", taxLiable: true });
  });

  it("reads a comma file with only some columns, and updates existing customers without touching other fields", async () => {
    await setErpCustomer(db, SHOP, { no: "K20001", name: "Old name", city: "Göteborg", email: "old@example.test" });
    const r = await importErpCsv(db, SHOP, fixture("customers-comma-partial.csv"));
    expect(r).toEqual({ imported: 2, created: 1, updated: 1, errors: [] });
    const [k1, k2] = await customers();
    expect(k1).toMatchObject({ no: "K20001", name: "Berg Studio", city: "Göteborg", email: "lina@berg.example.test", phoneNo: "031-12 34 56" });
    expect(k2).toMatchObject({ no: "K20002", name: "Dahl, Ingrid", email: "ingrid@example.test", phoneNo: "" });
  });

  it("writes nothing by default when a row in the middle is bad, and reports each bad row by its line", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-bad-row-in-middle.csv"));
    expect(r.imported).toBe(0);
    expect(r.created).toBe(0);
    expect(r.errors).toEqual([
      { line: 4, message: expect.stringMatching(/^email can be at most 80 characters \(this one has 88\)$/) },
      { line: 6, message: "no: a customer number is required" },
    ]);
    expect(await customers()).toEqual([]);
  });

  it("writes the good rows with skipBadRows and still reports the bad ones", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-bad-row-in-middle.csv"), { skipBadRows: true });
    expect(r).toMatchObject({ imported: 4, created: 4, updated: 0 });
    expect(r.errors.map((e) => e.line)).toEqual([4, 6]);
    expect((await customers()).map((c) => c.no)).toEqual(["K30001", "K30002", "K30004", "K30006"]);
  });

  it("rejects a 10 kB field with its line, field and length, without echoing the value", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-10kb-field.csv"));
    expect(r.imported).toBe(0);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].line).toBe(3);
    expect(r.errors[0].message).toBe("address can be at most 100 characters (this one has 10241)");
    // The row after the 10 kB field (which holds a line break) is on line 5 and was read fine.
    const skip = await importErpCsv(db, SHOP, fixture("customers-10kb-field.csv"), { skipBadRows: true });
    expect(skip.imported).toBe(2);
    expect((await customers()).map((c) => [c.no, c.city])).toEqual([["K40001", "Malmö"], ["K40003", "Ystad"]]);
  });

  it("reports a number that appears twice (ignoring case) on every line it appears, and a row with too many fields", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-duplicate-no.csv"), { skipBadRows: true });
    expect(r.errors).toEqual([
      { line: 2, message: "customer number K50001 appears more than once in the file (lines 2, 4)" },
      { line: 4, message: "customer number k50001 appears more than once in the file (lines 2, 4)" },
      { line: 5, message: "The row has 3 fields; the header has 2." },
    ]);
    expect((await customers()).map((c) => c.no)).toEqual(["K50002"]);
  });

  it("rejects an unknown column with the list of known ones, and writes nothing even with skipBadRows", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-unknown-column.csv"), { skipBadRows: true });
    expect(r.imported).toBe(0);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].line).toBe(1);
    expect(r.errors[0].message).toMatch(/^Unknown column "discount"\. The columns are: no, name, name2, .*taxLiable, blocked\.$/);
    expect(await customers()).toEqual([]);
  });

  it("refuses a file that is not UTF-8", async () => {
    const r = await importErpCsv(db, SHOP, fixture("customers-windows-1252.csv"));
    expect(r.errors).toEqual([{ line: 1, message: expect.stringContaining("not UTF-8") }]);
  });

  it("requires the no column, a name for new customers, and never blanks a name", async () => {
    expect((await importErpCsv(db, SHOP, "name,city\nX,Y\n")).errors).toEqual([{ line: 1, message: expect.stringContaining('no "no" column') }]);
    expect((await importErpCsv(db, SHOP, "no,city\nK1,Lund\n")).errors).toEqual([{ line: 2, message: "name: customer K1 is new and needs a name" }]);
    await setErpCustomer(db, SHOP, { no: "K1", name: "Kund" });
    expect(await importErpCsv(db, SHOP, "no,city\nK1,Lund\n")).toEqual({ imported: 1, created: 0, updated: 1, errors: [] });
    expect((await importErpCsv(db, SHOP, "no;name\nK1;  \n")).errors).toEqual([{ line: 2, message: "name: a customer needs a name" }]);
    expect((await customers())[0]).toMatchObject({ name: "Kund", city: "Lund" });
  });

  it("checks yes/no columns strictly, and reports several problems of one row together", async () => {
    const r = await importErpCsv(db, SHOP, "no,name,blocked,countryCode\nK1,Kund,maybe,TOOLONGCODE1\n");
    expect(r.errors).toEqual([{ line: 2, message: 'blocked: "maybe" is not a yes/no value (use true or false); countryCode can be at most 10 characters (this one has 12)' }]);
  });

  it("takes header names in any case, skips blank and separator-only lines, and counts lines after them", async () => {
    const text = "\uFEFFNO;NAME;POSTCODE\r\n\r\nK1;Ett;111 11\r\n;;\r\n\r\nK2;\"Två\r\nrader\";\r\nK3;;\r\n";
    const r = await importErpCsv(db, SHOP, text);
    expect(r.errors).toEqual([{ line: 8, message: "name: a customer needs a name" }]);
  });

  it("reports broken quoting as a file error with a line", async () => {
    const r = await importErpCsv(db, SHOP, 'no,name\nK1,"open\nK2,x\n', { skipBadRows: true });
    expect(r.imported).toBe(0);
    expect(r.errors[0].message).toMatch(/not valid CSV/);
    expect(await customers()).toEqual([]);
  });

  it("rejects an empty file", async () => {
    expect((await importErpCsv(db, SHOP, "")).errors[0].message).toMatch(/empty/);
    expect((await importErpCsv(db, SHOP, "\uFEFF\r\n")).errors[0].message).toMatch(/empty/);
  });

  it("only ever touches its own shop", async () => {
    await setErpCustomer(db, OTHER, { no: "K1", name: "Other shop's customer" });
    expect(await importErpCsv(db, SHOP, "no,name\nK1,Mine\n")).toMatchObject({ created: 1, updated: 0 });
    expect((await customers(OTHER))[0].name).toBe("Other shop's customer");
    expect(await exportErpCsv(db, OTHER)).not.toContain("Mine");
  });
});

describe("exportErpCsv", () => {
  it("writes one column per ERP field, named exactly as the field, with an optional BOM", async () => {
    const empty = await exportErpCsv(db, SHOP);
    expect(empty).toBe(ERP_CUSTOMER_FIELDS.join(",") + "\r\n");
    expect((await exportErpCsv(db, SHOP, { bom: true })).startsWith("\uFEFFno,name,")).toBe(true);
    expect((await exportErpCsv(db, SHOP, { delimiter: ";" })).startsWith("no;name;name2;")).toBe(true);
  });

  it("round-trips the Excel fixture: export, wipe, import gives the same customers", async () => {
    await importErpCsv(db, SHOP, fixture("customers-excel-semicolon-bom.csv"));
    const strip = (rows: any[]) => rows.map(({ createdAt: _c, updatedAt: _u, ...r }) => r);
    const before = strip(await customers());
    const csv = await exportErpCsv(db, SHOP, { bom: true });
    const parsed = parse(csv.slice(1), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(parsed[0])).toEqual(ERP_CUSTOMER_FIELDS);
    expect(parsed[1].address).toBe("Königstraße 5 Hinterhaus");
    expect(parsed[1].taxLiable).toBe("true");
    await db.erpCustomer.deleteMany({});
    expect(await importErpCsv(db, SHOP, csv)).toMatchObject({ imported: 5, errors: [] });
    expect(strip(await customers())).toEqual(before);
  });

  it("quotes separators, quotes and line breaks", () => {
    const csv = erpCustomersToCsv([{ ...emptyRow("K1"), name: 'A, "B"\nC', city: "x\ry" }], { delimiter: "," });
    expect(csv.split("\r\n")[1]).toBe('K1,"A, ""B""\nC",,,,,,"x\ry",,,,,,,,,,,false,false');
  });
});

describe("detectDelimiter", () => {
  it("takes the separator of the header line, ignoring quoted text and later lines", () => {
    expect(detectDelimiter("no;name;city\nK1,a,b,c,d")).toBe(";");
    expect(detectDelimiter('no,"na;me;x",city')).toBe(",");
    expect(detectDelimiter("no")).toBe(",");
  });
});

function emptyRow(no: string) {
  return {
    no, name: "", name2: "", contact: "", address: "", address2: "", postCode: "", city: "", county: "", countryCode: "", phoneNo: "", email: "",
    templateCode: "", genBusPostingGroup: "", customerPostingGroup: "", vatBusPostingGroup: "", paymentTermsCode: "", taxAreaCode: "", taxLiable: false, blocked: false,
  };
}

describe("customer numbers ignore case against the master too", () => {
  it("a lower-case number in a file updates the existing customer instead of creating a second one", async () => {
    expect(await importErpCsv(db, SHOP, "no,name\nC00001,Karin\n")).toMatchObject({ created: 1, updated: 0 });
    expect(await importErpCsv(db, SHOP, "no,name\nc00001,Karin Lund\n")).toMatchObject({ created: 0, updated: 1 });
    expect((await customers()).map((r) => [r.no, r.name])).toEqual([["C00001", "Karin Lund"]]);
  });
});
