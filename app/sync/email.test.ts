// Email addresses (spec §4.2 matching, §7.1 step 1 export).
import { describe, expect, it } from "vitest";
import { emailsOf, firstEmail, isValidEmail } from "./email";

describe("isValidEmail", () => {
  it("accepts ordinary addresses, trimmed", () => {
    expect(isValidEmail("ingrid.dahl@example.test")).toBe(true);
    expect(isValidEmail("  per+shop@brattas-bygg.se  ")).toBe(true);
    expect(isValidEmail("\u200Bper@example.se\u200E")).toBe(true);
    expect(isValidEmail("O'Brien@example.ie")).toBe(true);
  });

  it("accepts internationalised domains", () => {
    expect(isValidEmail("user@bücher.de")).toBe(true);
    expect(isValidEmail("info@ærø.dk")).toBe(true);
    expect(isValidEmail("user@xn--bcher-kva.de")).toBe(true);
    expect(isValidEmail("user@example.xn--p1ai")).toBe(true);
  });

  it("refuses spaces, a missing @, missing parts and a domain without a dot", () => {
    expect(isValidEmail("")).toBe(false);
    expect(isValidEmail("   ")).toBe(false);
    expect(isValidEmail("ingrid dahl@example.test")).toBe(false);
    expect(isValidEmail("ingrid@exam ple.test")).toBe(false);
    expect(isValidEmail("ingrid.example.test")).toBe(false);
    expect(isValidEmail("@example.test")).toBe(false);
    expect(isValidEmail("ingrid@")).toBe(false);
    expect(isValidEmail("ingrid@localhost")).toBe(false);
    expect(isValidEmail("ingrid@@example.test")).toBe(false);
    expect(isValidEmail("in..grid@example.test")).toBe(false);
    expect(isValidEmail(".ingrid@example.test")).toBe(false);
    expect(isValidEmail("ingrid@-example.test")).toBe(false);
    expect(isValidEmail("ingrid@example..test")).toBe(false);
  });

  it("refuses a multi-address field as one address, and odd input without throwing", () => {
    expect(isValidEmail("a@x.se; b@y.se")).toBe(false);
    expect(isValidEmail("a@x.se,b@y.se")).toBe(false);
    expect(isValidEmail(`${"a".repeat(10_240)}@example.test`)).toBe(false);
    expect(isValidEmail(`a@${"b".repeat(10_240)}.test`)).toBe(false);
    expect(isValidEmail("🎉@🎉")).toBe(false);
    expect(isValidEmail(null as any)).toBe(false);
  });
});

describe("firstEmail", () => {
  it("takes the first address of a field holding several", () => {
    expect(firstEmail("a@x.se; b@y.se")).toBe("a@x.se");
    expect(firstEmail("a@x.se,b@y.se")).toBe("a@x.se");
    expect(firstEmail(" ; , b@y.se")).toBe("b@y.se");
    expect(firstEmail("  a@x.se  ")).toBe("a@x.se");
    expect(firstEmail("")).toBe("");
    expect(firstEmail("   ")).toBe("");
  });
});

describe("emailsOf (matching keys of an ERP email field)", () => {
  it("gives every address, trimmed and lower-cased", () => {
    expect(emailsOf("Faktura@Brattas-Bygg.example.test; per.brattas@example.test")).toEqual(["faktura@brattas-bygg.example.test", "per.brattas@example.test"]);
    expect(emailsOf("lina.berg@example.test,lina@berg-studio.example.test")).toEqual(["lina.berg@example.test", "lina@berg-studio.example.test"]);
    expect(emailsOf(" ;; ")).toEqual([]);
  });
});
