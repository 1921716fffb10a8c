// Country/region names in the UI languages, made once on the server and sent to the browser with the app frame:
// browsers name some regions differently from Node's ICU (Chrome says "Hong Kong", Node "Hong Kong SAR China"),
// and a page must render the same text on both sides.
import { createRequire } from "node:module";
import type { Locale } from "./index";

let tables: Record<Locale, Record<string, string>> | null = null;

export function countryNameTables(): Record<Locale, Record<string, string>> {
  if (tables) return tables;
  const data = createRequire(import.meta.url)("country-region-data/data.json") as Array<{ countryShortCode: string; countryName: string }>;
  const table = (tag: string) => {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([tag], { type: "region" });
    } catch {
      names = null;
    }
    const out: Record<string, string> = {};
    for (const c of data) {
      let name = c.countryName;
      try {
        name = names?.of(c.countryShortCode) ?? name;
      } catch {
        // keep the dataset's English name
      }
      out[c.countryShortCode] = name;
    }
    return out;
  };
  tables = { en: table("en-GB"), sv: table("sv-SE") };
  return tables;
}
