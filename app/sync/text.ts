// Text rules of spec §6: NFC, trimmed of white space and invisible format characters at both ends,
// lengths counted in code points, codes compared case-insensitively.

// White space plus zero-width space/joiner/non-joiner, word joiner, BOM, direction marks and embeddings.
const EDGE = "[\\s\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF\\u00AD]+";
const EDGE_RE = new RegExp(`^${EDGE}|${EDGE}$`, "gu");

/** Normalise any incoming value to clean text: null/undefined/non-strings become "". */
export function clean(value: unknown): string {
  if (value === null || value === undefined) return "";
  const s = typeof value === "string" ? value : String(value);
  return s.normalize("NFC").replace(EDGE_RE, "");
}

/** Length in code points (an emoji counts as one). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Cut to at most `max` code points. Returns the kept part and the rest. */
export function cut(s: string, max: number): { kept: string; rest: string } {
  const chars = Array.from(s);
  if (chars.length <= max) return { kept: s, rest: "" };
  return { kept: chars.slice(0, max).join(""), rest: chars.slice(max).join("") };
}

/** Collapse runs of white space to one space and trim. */
export function collapse(s: string): string {
  return clean(s).replace(/\s+/gu, " ");
}

/** Equality used for names and addresses: ignoring case and repeated spaces. */
export function looseEqual(a: unknown, b: unknown): boolean {
  return collapse(clean(a)).toLocaleLowerCase() === collapse(clean(b)).toLocaleLowerCase();
}

export function sameCode(a: unknown, b: unknown): boolean {
  return clean(a).toUpperCase() === clean(b).toUpperCase();
}

export function hasDigit(s: string): boolean {
  return /\p{Nd}/u.test(s);
}
