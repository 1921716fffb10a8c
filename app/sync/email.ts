// Email addresses on export (spec §7.1 step 1): trimmed, the first of a multi-address field, and valid —
// internationalised domains included (checked through their punycode form).
import { clean } from "./text";
import { emailsOf } from "./erp-index";

export function firstEmail(field: string): string {
  const raw = clean(field).split(/[;,]/).map(clean).find(Boolean) ?? "";
  return raw;
}

export function isValidEmail(email: string): boolean {
  const e = clean(email);
  if (!e || /\s/u.test(e)) return false;
  const at = e.lastIndexOf("@");
  if (at <= 0 || at === e.length - 1) return false;
  const local = e.slice(0, at);
  const domain = e.slice(at + 1);
  if (local.length > 64 || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  if (/[<>()[\]\\,;:"@]/u.test(local)) return false;
  // The domain is a host name: no path, port, query or user part may hide behind it.
  if (/[\s/\\:?#@[\]%]/u.test(domain)) return false;
  let ascii: string;
  try {
    ascii = new URL(`http://${domain}`).hostname;
  } catch {
    return false;
  }
  if (ascii.length > 253 || !ascii.includes(".")) return false;
  const labels = ascii.split(".");
  if (labels.some((l) => !l || l.length > 63 || !/^[a-z0-9-]+$/.test(l) || l.startsWith("-") || l.endsWith("-"))) return false;
  const tld = labels[labels.length - 1];
  return /^[a-z]{2,}$/.test(tld) || tld.startsWith("xn--");
}

export { emailsOf };
