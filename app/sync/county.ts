// Counties: Shopify province ↔ ERP county and the tax-area (county) table (spec §6, §7.1 step 4).
import type { TaxAreaRow } from "./context";
import { clean, sameCode } from "./text";

/** The ERP county for a Shopify province, per countySource (falling back to the other form when one is blank). */
export function countyFromProvince(countySource: string, provinceCode: string, provinceName: string): string {
  const code = clean(provinceCode);
  const name = clean(provinceName);
  return countySource === "name" ? name || code : code || name;
}

/** The tax-area row for an ISO country and a province: by county code, else by county name. */
export function taxAreaFor(rows: TaxAreaRow[], iso: string, provinceCode: string, provinceName: string): TaxAreaRow | null {
  if (!iso) return null;
  const inCountry = rows.filter((r) => sameCode(r.countryCode, iso));
  if (clean(provinceCode)) {
    const byCode = inCountry.find((r) => clean(r.countyCode) && sameCode(r.countyCode, provinceCode));
    if (byCode) return byCode;
  }
  if (clean(provinceName)) {
    const n = clean(provinceName).toLocaleLowerCase();
    const byName = inCountry.find((r) => clean(r.county).toLocaleLowerCase() === n);
    if (byName) return byName;
  }
  return null;
}

/**
 * Export: the Shopify province code for an ERP county. `code`: the row whose county code equals it;
 * `name`: the row whose name equals it exactly, else the first whose name starts with it.
 */
export function provinceForCounty(rows: TaxAreaRow[], iso: string, countySource: string, county: string): string | null {
  const c = clean(county);
  if (!c) return "";
  const inCountry = rows.filter((r) => sameCode(r.countryCode, iso));
  if (countySource === "name") {
    const lc = c.toLocaleLowerCase();
    const exact = inCountry.find((r) => clean(r.county).toLocaleLowerCase() === lc);
    const row = exact ?? inCountry.find((r) => clean(r.county).toLocaleLowerCase().startsWith(lc));
    return row ? clean(row.countyCode) || null : null;
  }
  const row = inCountry.find((r) => sameCode(r.countyCode, c));
  return row ? clean(row.countyCode) : null;
}
