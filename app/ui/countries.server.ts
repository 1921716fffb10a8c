// Customer setup by country/region (template and default customer per ISO country) and its counties (tax areas),
// with the two helpers: add the countries the mirrored customers' addresses use, and fill a country's counties
// from the country-region-data list.
import { createRequire } from "node:module";
import prisma from "../db.server";

interface DatasetCountry {
  countryName: string;
  countryShortCode: string;
  regions: Array<{ name: string; shortCode?: string }>;
}

let dataset: DatasetCountry[] | null = null;
function regionsDataset(): DatasetCountry[] {
  if (!dataset) dataset = createRequire(import.meta.url)("country-region-data/data.json") as DatasetCountry[];
  return dataset;
}

export function isoCountries(): Array<{ code: string; name: string }> {
  return regionsDataset().map((c) => ({ code: c.countryShortCode, name: c.countryName }));
}

export function isKnownIso(code: string) {
  return regionsDataset().some((c) => c.countryShortCode === code);
}

export async function countriesData(shop: string, selected: string | null) {
  const [setups, templates, used, counties, erpCountries] = await Promise.all([
    prisma.countrySetup.findMany({ where: { shop }, orderBy: { countryCode: "asc" } }),
    prisma.customerTemplate.findMany({ where: { shop }, orderBy: { code: "asc" }, select: { code: true, description: true } }),
    prisma.mirrorAddress.groupBy({ by: ["countryCode"], where: { shop, countryCode: { not: "" } }, _count: { _all: true } }),
    prisma.taxArea.groupBy({ by: ["countryCode"], where: { shop }, _count: { _all: true } }),
    prisma.erpCountry.findMany({ where: { shop }, select: { code: true, isoCode: true } }),
  ]);
  const usedBy = Object.fromEntries(used.map((u) => [u.countryCode.toUpperCase(), u._count._all]));
  const countyCount = Object.fromEntries(counties.map((c) => [c.countryCode.toUpperCase(), c._count._all]));
  const erpCodeOf = Object.fromEntries(erpCountries.filter((c) => c.isoCode).map((c) => [c.isoCode.toUpperCase(), c.code]));
  const defaultNos = setups.map((s) => s.defaultCustomerNo).filter(Boolean);
  const names = Object.fromEntries(
    (await prisma.erpCustomer.findMany({ where: { shop, no: { in: defaultNos } }, select: { no: true, name: true } })).map((c) => [c.no, c.name]),
  );
  const selectedCounties = selected
    ? await prisma.taxArea.findMany({ where: { shop, countryCode: selected }, orderBy: { county: "asc" } })
    : [];
  return {
    setups: setups.map((s) => ({
      countryCode: s.countryCode,
      customerTemplateCode: s.customerTemplateCode,
      defaultCustomerNo: s.defaultCustomerNo,
      defaultCustomerName: names[s.defaultCustomerNo] ?? "",
      usedBy: usedBy[s.countryCode] ?? 0,
      counties: countyCount[s.countryCode] ?? 0,
      erpCode: erpCodeOf[s.countryCode] ?? "",
    })),
    unsetUsed: Object.keys(usedBy).filter((c) => !setups.some((s) => s.countryCode === c)).sort(),
    templates,
    isoCountries: isoCountries(),
    selected,
    selectedHasDataset: selected ? (regionsDataset().find((c) => c.countryShortCode === selected)?.regions.length ?? 0) > 0 : false,
    counties: selectedCounties.map((c) => ({
      county: c.county, countyCode: c.countyCode, taxAreaCode: c.taxAreaCode, taxLiable: c.taxLiable, vatBusPostingGroup: c.vatBusPostingGroup,
    })),
  };
}

export async function addUsedCountries(shop: string): Promise<number> {
  const used = await prisma.mirrorAddress.groupBy({ by: ["countryCode"], where: { shop, countryCode: { not: "" } } });
  const existing = new Set((await prisma.countrySetup.findMany({ where: { shop }, select: { countryCode: true } })).map((s) => s.countryCode));
  const missing = [...new Set(used.map((u) => u.countryCode.toUpperCase()))].filter((c) => /^[A-Z]{2}$/.test(c) && !existing.has(c));
  if (missing.length) await prisma.countrySetup.createMany({ data: missing.map((countryCode) => ({ shop, countryCode })) });
  return missing.length;
}

export async function addCountry(shop: string, countryCode: string) {
  await prisma.countrySetup.upsert({ where: { shop_countryCode: { shop, countryCode } }, create: { shop, countryCode }, update: {} });
}

export interface FieldProblem {
  field: string;
  kind: "unknownTemplate" | "unknownCustomer" | "countyRequired";
  value: string;
}

export async function saveCountrySetup(shop: string, input: { countryCode: string; customerTemplateCode: string; defaultCustomerNo: string }): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (input.customerTemplateCode && !(await prisma.customerTemplate.findUnique({ where: { shop_code: { shop, code: input.customerTemplateCode } } })))
    problems.push({ field: "customerTemplateCode", kind: "unknownTemplate", value: input.customerTemplateCode });
  if (input.defaultCustomerNo && !(await prisma.erpCustomer.findUnique({ where: { shop_no: { shop, no: input.defaultCustomerNo } } })))
    problems.push({ field: "defaultCustomerNo", kind: "unknownCustomer", value: input.defaultCustomerNo });
  if (problems.length) return problems;
  await prisma.countrySetup.upsert({
    where: { shop_countryCode: { shop, countryCode: input.countryCode } },
    create: { shop, ...input },
    update: { customerTemplateCode: input.customerTemplateCode, defaultCustomerNo: input.defaultCustomerNo },
  });
  return [];
}

export async function removeCountrySetup(shop: string, countryCode: string) {
  await prisma.countrySetup.deleteMany({ where: { shop, countryCode } });
}

/** Add the regions of the country-region-data list that the county table does not have yet (by name or code). */
export async function fillCounties(shop: string, countryCode: string): Promise<number> {
  const regions = regionsDataset().find((c) => c.countryShortCode === countryCode)?.regions ?? [];
  const existing = await prisma.taxArea.findMany({ where: { shop, countryCode }, select: { county: true, countyCode: true } });
  const names = new Set(existing.map((e) => e.county.toLowerCase()));
  const codes = new Set(existing.map((e) => e.countyCode.toLowerCase()).filter(Boolean));
  const add = regions.filter((r) => !names.has(r.name.toLowerCase()) && !(r.shortCode && codes.has(r.shortCode.toLowerCase())));
  if (add.length) {
    await prisma.taxArea.createMany({
      data: add.map((r) => ({ shop, countryCode, county: r.name.slice(0, 30), countyCode: (r.shortCode ?? "").slice(0, 10) })),
    });
  }
  return add.length;
}

export async function saveCounty(
  shop: string,
  input: { countryCode: string; originalCounty: string; county: string; countyCode: string; taxAreaCode: string; taxLiable: boolean; vatBusPostingGroup: string },
): Promise<FieldProblem[]> {
  if (!input.county) return [{ field: "county", kind: "countyRequired", value: "" }];
  const data = { countyCode: input.countyCode, taxAreaCode: input.taxAreaCode, taxLiable: input.taxLiable, vatBusPostingGroup: input.vatBusPostingGroup };
  const ops = [];
  if (input.originalCounty && input.originalCounty !== input.county)
    ops.push(prisma.taxArea.deleteMany({ where: { shop, countryCode: input.countryCode, county: input.originalCounty } }));
  ops.push(
    prisma.taxArea.upsert({
      where: { shop_countryCode_county: { shop, countryCode: input.countryCode, county: input.county } },
      create: { shop, countryCode: input.countryCode, county: input.county, ...data },
      update: data,
    }),
  );
  await prisma.$transaction(ops);
  return [];
}

export async function deleteCounty(shop: string, countryCode: string, county: string) {
  await prisma.taxArea.deleteMany({ where: { shop, countryCode, county } });
}
