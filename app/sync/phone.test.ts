// Phones (spec §4.2 and §7.1 step 3): parsed with libphonenumber-js in a default region and compared in E.164;
// a side that is not a valid number falls back to the last 9 digits, only when both sides have at least 7 digits.
import { describe, expect, it } from "vitest";
import { digitsOnly, isValidPhone, phoneKey, phonesMatch, toE164 } from "./phone";

const match = (a: string, ra: string | null, b: string, rb: string | null) => phonesMatch(phoneKey(a, ra), phoneKey(b, rb));

describe("toE164", () => {
  it("reads national numbers in the default region", () => {
    expect(toE164("0474 12 34 56", "BE")).toBe("+32474123456");
    expect(toE164("08-123 456 78", "SE")).toBe("+46812345678");
    expect(toE164("20 30 40 50", "DK")).toBe("+4520304050");
    expect(toE164("(415) 555-2671", "US")).toBe("+14155552671");
  });

  it("reads international numbers whatever the default region", () => {
    expect(toE164("+32 474 12 34 56", "SE")).toBe("+32474123456");
    expect(toE164("+32 474 12 34 56", null)).toBe("+32474123456");
    expect(toE164("0032 474 12 34 56", "SE")).toBe("+32474123456"); // 00: the international call prefix in Sweden
    expect(toE164("+32 (0)474 12 34 56", null)).toBe("+32474123456");
  });

  it("takes the region case-insensitively and ignores a region that is not a two-letter code", () => {
    expect(toE164("0474 12 34 56", "be")).toBe("+32474123456");
    expect(toE164("0474 12 34 56", "BEL")).toBe(null);
    expect(toE164("0474 12 34 56", "")).toBe(null);
  });

  it("gives null for no phone, no digit, or not a valid number — never throws", () => {
    expect(toE164(null, "SE")).toBe(null);
    expect(toE164("", "SE")).toBe(null);
    expect(toE164("   ", "SE")).toBe(null);
    expect(toE164("n/a", "SE")).toBe(null);
    expect(toE164("123", "SE")).toBe(null);
    expect(toE164("☎️ 📞", "SE")).toBe(null);
    expect(toE164("9".repeat(10_240), "SE")).toBe(null);
    expect(toE164("+", "SE")).toBe(null);
  });

  it("keeps working with invisible characters around the number", () => {
    expect(toE164("\u200E+32 474 12 34 56\u200F", null)).toBe("+32474123456");
  });
});

describe("isValidPhone", () => {
  it("is libphonenumber-js's validity with the country as default region", () => {
    expect(isValidPhone("+46 8 123 456 78", "SE")).toBe(true);
    expect(isValidPhone("0474 12 34 56", "BE")).toBe(true);
    expect(isValidPhone("12", "BE")).toBe(false);
    expect(isValidPhone("", "BE")).toBe(false);
    expect(isValidPhone("555-555-SHIP", "US")).toBe(false);
  });
});

describe("phonesMatch", () => {
  it("matches a national number against the same number with its country prefix", () => {
    expect(match("0474 12 34 56", "BE", "+32 474 12 34 56", "BE")).toBe(true);
    expect(match("+32 474 12 34 56", "SE", "0474 12 34 56", "BE")).toBe(true);
    expect(match("0474123456", "BE", "+32474123456", null)).toBe(true);
  });

  it("does not match different numbers", () => {
    expect(match("0474 12 34 56", "BE", "+32 474 12 34 57", "BE")).toBe(false);
    // Same last 9 digits, but both are valid numbers of different countries: E.164 decides.
    expect(match("+32 474 12 34 56", null, "+33 4 74 12 34 56", null)).toBe(false);
  });

  it("does not match digits that merely appear in order inside a longer number", () => {
    // 1234567 appears inside both, but the numbers differ.
    expect(match("1234567", null, "+46 70 123 45 67 89", null)).toBe(false);
    expect(match("70 123 45", "SE", "070-123 45 67", "SE")).toBe(false);
    expect(match("12 34 56 78 90", null, "00 12 34 56 78 90 12", null)).toBe(false);
  });

  it("falls back to the last 9 digits when a side is not a valid number, with a prefix on one side only", () => {
    // No region for the national form, so it is not a valid number; its last 9 digits are the same.
    expect(match("0474 12 34 56", null, "+32 474 12 34 56", null)).toBe(true);
    // Neither side valid (555 is no US area code).
    expect(match("555-123-4567", null, "+1 555 123 4567", null)).toBe(true);
  });

  it("needs at least 7 digits on both sides", () => {
    expect(match("123456", null, "123456", null)).toBe(false);
    expect(match("12 34 56", null, "+46 12 34 56", null)).toBe(false);
    expect(match("1234567", null, "1234567", null)).toBe(true);
  });

  it("never matches a missing phone", () => {
    expect(phonesMatch(null, phoneKey("+32474123456", null))).toBe(false);
    expect(phonesMatch(phoneKey("", "BE"), phoneKey("", "BE"))).toBe(false);
    expect(phoneKey("n/a", "BE")).toBe(null);
  });
});

describe("phoneKey and digitsOnly", () => {
  it("keys a valid number by E.164 and its last 9 digits", () => {
    expect(phoneKey("0474 12 34 56", "BE")).toEqual({ e164: "+32474123456", last9: "474123456" });
  });
  it("keys a short invalid number by nothing", () => {
    expect(phoneKey("12 34", "BE")).toBe(null);
  });
  it("keeps only digits", () => {
    expect(digitsOnly("+32 (0)474-12.34.56 ext. 9")).toBe("320474123456" + "9");
  });
});
