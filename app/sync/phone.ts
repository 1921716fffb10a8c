// Phone numbers through libphonenumber-js (spec §4.2, §7.1 step 3).
import { parsePhoneNumberFromString, isValidPhoneNumber, type CountryCode } from "libphonenumber-js/max";
import { clean, hasDigit } from "./text";

function region(iso: string | undefined | null): CountryCode | undefined {
  const c = clean(iso).toUpperCase();
  return /^[A-Z]{2}$/.test(c) ? (c as CountryCode) : undefined;
}

/** The E.164 form of a valid number, else null. A value with no digit is no phone. */
export function toE164(raw: unknown, defaultRegion?: string | null): string | null {
  const text = clean(raw);
  if (!text || !hasDigit(text)) return null;
  try {
    const parsed = parsePhoneNumberFromString(text, region(defaultRegion));
    if (parsed && parsed.isValid()) return parsed.number;
  } catch {
    // libphonenumber throws on some malformed input; treated as not a valid number
  }
  return null;
}

export function isValidPhone(raw: unknown, defaultRegion?: string | null): boolean {
  const text = clean(raw);
  if (!text || !hasDigit(text)) return false;
  try {
    return isValidPhoneNumber(text, region(defaultRegion));
  } catch {
    return false;
  }
}

export function digitsOnly(raw: unknown): string {
  return clean(raw).replace(/\D/gu, "");
}

/** Keys under which a phone is indexed for matching: its E.164 form, and the last 9 digits as a fallback key. */
export interface PhoneKey {
  e164: string | null;
  last9: string | null; // only when the number has at least 7 digits
}

export function phoneKey(raw: unknown, defaultRegion?: string | null): PhoneKey | null {
  const text = clean(raw);
  if (!text || !hasDigit(text)) return null;
  const e164 = toE164(text, defaultRegion);
  const digits = digitsOnly(text);
  const last9 = digits.length >= 7 ? digits.slice(-9) : null;
  if (!e164 && !last9) return null;
  return { e164, last9 };
}

/**
 * Do two phones denote the same number? Both valid: compare E.164. Otherwise compare the last 9 digits,
 * only when both sides have at least 7 digits (a prefix on one side only still matches; digits that merely
 * appear in order do not).
 */
export function phonesMatch(a: PhoneKey | null, b: PhoneKey | null): boolean {
  if (!a || !b) return false;
  if (a.e164 && b.e164) return a.e164 === b.e164;
  if (!a.last9 || !b.last9) return false;
  // The last 9 digits (fewer only when the whole number is shorter) must be equal: "123 45 67" is not the end of
  // "+46 8 123 45 67" (…681234567), while "0474 12 34 56" and "+32 474 12 34 56" share 474123456.
  return a.last9 === b.last9;
}
