// Text rules of spec §6: NFC, trimmed of white space and invisible format characters at both ends only, emoji,
// right-to-left scripts and combining marks kept, lengths in code points, codes compared case-insensitively.
import { describe, expect, it } from "vitest";
import { charLength, clean, collapse, cut, hasDigit, looseEqual, sameCode } from "./text";

describe("clean", () => {
  it("turns null, undefined and non-strings into text", () => {
    expect(clean(null)).toBe("");
    expect(clean(undefined)).toBe("");
    expect(clean(42)).toBe("42");
    expect(clean(false)).toBe("false");
  });

  it("stores text in NFC", () => {
    const decomposed = "Zoe\u0308 Ca\u0301rdenas"; // e + combining diaeresis, a + combining acute
    expect(clean(decomposed)).toBe("Zoë Cárdenas");
    expect(clean(decomposed).length).toBe("Zoë Cárdenas".length);
  });

  it("trims white space and invisible format characters at both ends", () => {
    expect(clean("  Ingrid \t\n")).toBe("Ingrid");
    expect(clean("\u200BIngrid\u200B")).toBe("Ingrid"); // zero-width space
    expect(clean("\u200DIngrid\u200C")).toBe("Ingrid"); // zero-width joiner / non-joiner
    expect(clean("\u200EIngrid\u200F")).toBe("Ingrid"); // LTR / RTL marks
    expect(clean("\u202BIngrid\u202C")).toBe("Ingrid"); // embedding / pop
    expect(clean("\u2066Ingrid\u2069")).toBe("Ingrid"); // isolates
    expect(clean("\uFEFFIngrid")).toBe("Ingrid"); // BOM
    expect(clean("\u00A0Ingrid\u00A0")).toBe("Ingrid"); // no-break space
    expect(clean(" \u200B \u200E ")).toBe("");
  });

  it("keeps those characters inside the text", () => {
    expect(clean("Ing\u200Brid")).toBe("Ing\u200Brid");
    expect(clean("a  b")).toBe("a  b");
    // A family emoji is held together by zero-width joiners: it must survive whole.
    const family = "👨\u200D👩\u200D👧";
    expect(clean(` ${family} `)).toBe(family);
    expect(clean(`Anna ${family}`)).toBe(`Anna ${family}`);
  });

  it("keeps emoji, right-to-left scripts and combining marks", () => {
    expect(clean(" Café ☕🎉 ")).toBe("Café ☕🎉");
    expect(clean(" שלום עולם ")).toBe("שלום עולם");
    expect(clean("ليلى حداد")).toBe("ليلى حداد");
    // A combining mark with no precomposed form stays as a combining mark.
    expect(clean("q\u0301")).toBe("q\u0301");
    // Flags and skin-tone modifiers.
    expect(clean("🇸🇪 👍🏽")).toBe("🇸🇪 👍🏽");
  });
});

describe("charLength and cut", () => {
  it("count code points: an emoji or astral character is one", () => {
    expect(charLength("abc")).toBe(3);
    expect(charLength("🎉")).toBe(1);
    expect("🎉".length).toBe(2);
    expect(charLength("𝔄𝔅")).toBe(2);
    expect(charLength("")).toBe(0);
  });

  it("cut never splits a surrogate pair and returns the rest", () => {
    expect(cut("ab🎉cd", 3)).toEqual({ kept: "ab🎉", rest: "cd" });
    expect(cut("🎉🎉🎉", 2)).toEqual({ kept: "🎉🎉", rest: "🎉" });
    expect(cut("short", 10)).toEqual({ kept: "short", rest: "" });
    expect(cut("exact", 5)).toEqual({ kept: "exact", rest: "" });
  });

  it("cuts a 10 kB string at the field length", () => {
    const s = "x".repeat(10_240);
    const r = cut(s, 100);
    expect(charLength(r.kept)).toBe(100);
    expect(charLength(r.rest)).toBe(10_140);
  });
});

describe("collapse, looseEqual, sameCode, hasDigit", () => {
  it("collapse trims and reduces runs of white space to one space", () => {
    expect(collapse("  van   Dijk \t Pieter ")).toBe("van Dijk Pieter");
  });

  it("looseEqual ignores case and repeated spaces", () => {
    expect(looseEqual("Norra  Hamngatan 4", "norra hamngatan 4 ")).toBe(true);
    expect(looseEqual("ÅSA", "åsa")).toBe(true);
    expect(looseEqual(null, "")).toBe(true);
    expect(looseEqual("Hamngatan 4", "Hamngatan 5")).toBe(false);
  });

  it("sameCode compares codes case-insensitively", () => {
    expect(sameCode("se", "SE")).toBe(true);
    expect(sameCode(" on ", "ON")).toBe(true);
    expect(sameCode("SE", "DK")).toBe(false);
  });

  it("hasDigit: a phone with no digit is no phone", () => {
    expect(hasDigit("555-555-SHIP")).toBe(true);
    expect(hasDigit("n/a")).toBe(false);
    expect(hasDigit("٠١٢")).toBe(true); // Arabic-Indic digits are digits
  });
});
