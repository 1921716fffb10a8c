// Name building (spec §6) and splitting on export (spec §7.2).
import { clean, collapse } from "./text";

export type NameSource = "companyName" | "firstAndLastName" | "lastAndFirstName" | "none";

export interface NameParts {
  company: string;
  firstName: string;
  lastName: string;
}

/** The value a name source gives for these parts: joined with one space, trimmed. */
export function nameValue(source: string, p: NameParts): string {
  switch (source) {
    case "companyName":
      return clean(p.company);
    case "firstAndLastName":
      return collapse([clean(p.firstName), clean(p.lastName)].filter(Boolean).join(" "));
    case "lastAndFirstName":
      return collapse([clean(p.lastName), clean(p.firstName)].filter(Boolean).join(" "));
    default:
      return "";
  }
}

export interface NameSettings {
  nameSource: string;
  name2Source: string;
  contactSource: string;
}

export interface BuiltNames {
  name: string;
  name2: string;
  contact: string;
}

/**
 * name = nameSource value; empty → name2Source value and name2 stays empty; else name2 = name2Source value.
 * contact = contactSource value (company is not allowed there). The caller applies the never-empty fallbacks.
 */
export function buildNames(s: NameSettings, p: NameParts): BuiltNames {
  let name = nameValue(s.nameSource, p);
  let name2 = "";
  if (!name) name = nameValue(s.name2Source, p);
  else name2 = nameValue(s.name2Source, p);
  const contact = s.contactSource === "companyName" ? "" : nameValue(s.contactSource, p);
  return { name, name2, contact };
}

/**
 * A name is never empty: contact → name (contact cleared), then email, then phone, then
 * "Shopify customer <numeric id>".
 */
export function ensureName(b: BuiltNames, email: string, phone: string, shopifyId: string): BuiltNames {
  if (b.name) return b;
  if (b.contact) return { name: b.contact, name2: b.name2, contact: "" };
  if (clean(email)) return { ...b, name: clean(email) };
  if (clean(phone)) return { ...b, name: clean(phone) };
  const numeric = String(shopifyId).split("/").pop() ?? "";
  return { ...b, name: `Shopify customer ${numeric.split("?")[0]}` };
}

const isNameOption = (s: string) => s === "firstAndLastName" || s === "lastAndFirstName";

/** Split a text as the source says: first word = first name (firstAndLast) or last word = first name (lastAndFirst). */
export function splitName(text: string, source: string): { firstName: string; lastName: string } {
  const words = collapse(text).split(" ").filter(Boolean);
  if (words.length === 0) return { firstName: "", lastName: "" };
  if (words.length === 1) return { firstName: words[0], lastName: "" };
  if (source === "lastAndFirstName") {
    return { firstName: words[words.length - 1], lastName: words.slice(0, -1).join(" ") };
  }
  return { firstName: words[0], lastName: words.slice(1).join(" ") };
}

export interface ExportNameInput {
  name: string;
  name2: string;
  contact: string;
}

/**
 * First/last for Shopify from the first non-empty of contact, name2, name (each only when its source is a
 * person-name option). When the mirror's current first + last, joined in the source's order, already equal the
 * text (ignoring case and spaces) they are kept, so a two-word first name is never moved into the last name.
 */
export function exportNames(
  s: NameSettings,
  c: ExportNameInput,
  current?: { firstName: string; lastName: string } | null,
): { firstName: string; lastName: string; company: string } {
  const candidates: Array<[string, string]> = [
    [c.contact, s.contactSource],
    [c.name2, s.name2Source],
    [c.name, s.nameSource],
  ];
  let firstName = "";
  let lastName = "";
  for (const [text, source] of candidates) {
    if (!isNameOption(source)) continue;
    const t = collapse(text);
    if (!t) continue;
    if (current && (clean(current.firstName) || clean(current.lastName))) {
      const joined = nameValue(source, { company: "", firstName: current.firstName, lastName: current.lastName });
      if (joined.toLocaleLowerCase() === t.toLocaleLowerCase()) {
        firstName = clean(current.firstName);
        lastName = clean(current.lastName);
        break;
      }
    }
    ({ firstName, lastName } = splitName(t, source));
    break;
  }
  let company = "";
  if (s.nameSource === "companyName") {
    company = clean(c.name);
    // A person without a company got their own name as `name` on import (name2 then stays empty, spec §6): that is
    // no company, and sending it would add the person's name as their address company in Shopify.
    const person = collapse([firstName, lastName].filter(Boolean).join(" "));
    if (!clean(c.name2) && company && person && looseEqualText(company, person, s.nameSource === "companyName" ? s.contactSource : s.nameSource, firstName, lastName)) company = "";
  } else if (s.name2Source === "companyName") company = clean(c.name2);
  return { firstName, lastName, company };
}

/** Is `text` this person's name, in either order? */
function looseEqualText(text: string, _person: string, _source: string, firstName: string, lastName: string): boolean {
  const t = collapse(text).toLocaleLowerCase();
  const a = collapse([firstName, lastName].filter(Boolean).join(" ")).toLocaleLowerCase();
  const b = collapse([lastName, firstName].filter(Boolean).join(" ")).toLocaleLowerCase();
  return t === a || t === b;
}
