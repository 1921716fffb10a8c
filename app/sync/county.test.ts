// Counties (spec §6 on import, §7.1 step 4 on export) and the tax-area (county) table.
import { describe, expect, it } from "vitest";
import type { TaxAreaRow } from "./context";
import { countyFromProvince, provinceForCounty, taxAreaFor } from "./county";

const row = (countryCode: string, county: string, countyCode: string, taxAreaCode = "", extra: Partial<TaxAreaRow> = {}): TaxAreaRow => ({
  countryCode,
  county,
  countyCode,
  taxAreaCode,
  taxLiable: Boolean(taxAreaCode),
  vatBusPostingGroup: "",
  ...extra,
});

// In key order (country, county name), as the table is kept.
const ROWS: TaxAreaRow[] = [
  row("CA", "British Columbia", "BC", "CA-BC"),
  row("CA", "New Brunswick", "NB", "CA-NB"),
  row("CA", "Newfoundland and Labrador", "NL", "CA-NL"),
  row("CA", "Nova Scotia", "NS", "CA-NS"),
  row("CA", "Ontario", "ON", "CA-ON", { vatBusPostingGroup: "CA-HST" }),
  row("US", "California", "CA", "US-CA"),
  row("US", "New York", "NY", "US-NY"),
  row("US", "Nowhere Without Code", "", "US-NOCODE"),
];

describe("countyFromProvince", () => {
  it("gives the province code for countySource code and the name for countySource name", () => {
    expect(countyFromProvince("code", "ON", "Ontario")).toBe("ON");
    expect(countyFromProvince("name", "ON", "Ontario")).toBe("Ontario");
  });
  it("trims, and falls back to the other form when one is blank", () => {
    expect(countyFromProvince("code", "  ON ", "Ontario")).toBe("ON");
    expect(countyFromProvince("code", "", "Ontario")).toBe("Ontario");
    expect(countyFromProvince("name", "ON", "")).toBe("ON");
    expect(countyFromProvince("name", null as any, null as any)).toBe("");
  });
});

describe("taxAreaFor", () => {
  it("finds the row of the ISO country and the province code", () => {
    expect(taxAreaFor(ROWS, "CA", "ON", "Ontario")?.taxAreaCode).toBe("CA-ON");
    // The same code in another country is another row.
    expect(taxAreaFor(ROWS, "US", "CA", "California")?.taxAreaCode).toBe("US-CA");
  });
  it("compares codes case-insensitively", () => {
    expect(taxAreaFor(ROWS, "ca", "on", "")?.taxAreaCode).toBe("CA-ON");
  });
  it("falls back to the province name, whatever countySource says", () => {
    expect(taxAreaFor(ROWS, "CA", "", "Ontario")?.taxAreaCode).toBe("CA-ON");
    expect(taxAreaFor(ROWS, "CA", "XX", "nova scotia")?.taxAreaCode).toBe("CA-NS");
    expect(taxAreaFor(ROWS, "US", "", "Nowhere Without Code")?.taxAreaCode).toBe("US-NOCODE");
  });
  it("gives nothing for a province missing from the table, no country, or another country", () => {
    expect(taxAreaFor(ROWS, "CA", "QC", "Quebec")).toBe(null);
    expect(taxAreaFor(ROWS, "", "ON", "Ontario")).toBe(null);
    expect(taxAreaFor(ROWS, "SE", "ON", "Ontario")).toBe(null);
    expect(taxAreaFor(ROWS, "CA", "", "")).toBe(null);
    expect(taxAreaFor([], "CA", "ON", "Ontario")).toBe(null);
    expect(taxAreaFor(ROWS, "CA", "x".repeat(10_240), "y".repeat(10_240))).toBe(null);
  });
});

describe("provinceForCounty", () => {
  it("countySource code: the row whose county code equals the county", () => {
    expect(provinceForCounty(ROWS, "CA", "code", "ON")).toBe("ON");
    expect(provinceForCounty(ROWS, "CA", "code", "on")).toBe("ON");
    expect(provinceForCounty(ROWS, "CA", "code", "Ontario")).toBe(null);
    expect(provinceForCounty(ROWS, "US", "code", "ON")).toBe(null);
  });

  it("countySource name: the exact name", () => {
    expect(provinceForCounty(ROWS, "CA", "name", "Ontario")).toBe("ON");
    expect(provinceForCounty(ROWS, "CA", "name", "New Brunswick")).toBe("NB");
    expect(provinceForCounty(ROWS, "CA", "name", "Alberta")).toBe(null);
  });

  it("countySource name: else the first name starting with it", () => {
    expect(provinceForCounty(ROWS, "CA", "name", "Ont")).toBe("ON");
    expect(provinceForCounty(ROWS, "CA", "name", "New")).toBe("NB");
    expect(provinceForCounty(ROWS, "CA", "name", "Newf")).toBe("NL");
    expect(provinceForCounty(ROWS, "CA", "name", "Nova")).toBe("NS");
    expect(provinceForCounty(ROWS, "CA", "name", "Quebec")).toBe(null);
  });

  it("an exact name wins over an earlier row that merely starts with it", () => {
    const rows = [row("XX", "Bergen Nord", "BN"), row("XX", "Bergen", "BE")];
    expect(provinceForCounty(rows, "XX", "name", "Bergen")).toBe("BE");
  });

  it("a blank county is no province (and no warning); a row without a county code is not found", () => {
    expect(provinceForCounty(ROWS, "CA", "code", "")).toBe("");
    expect(provinceForCounty(ROWS, "CA", "name", "  ")).toBe("");
    expect(provinceForCounty(ROWS, "US", "name", "Nowhere Without Code")).toBe(null);
  });

  it("a 10 kB county is simply not found", () => {
    expect(provinceForCounty(ROWS, "CA", "name", "O".repeat(10_240))).toBe(null);
    expect(provinceForCounty(ROWS, "CA", "code", "O".repeat(10_240))).toBe(null);
  });
});
