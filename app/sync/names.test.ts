// Names (spec §6 on import, §7.2 on export), from the spec's values.
import { describe, expect, it } from "vitest";
import { buildNames, ensureName, exportNames, nameValue, splitName, type NameSettings } from "./names";

const DEFAULTS: NameSettings = { nameSource: "companyName", name2Source: "firstAndLastName", contactSource: "firstAndLastName" };
const per = { company: "Brattås Bygg AB", firstName: "Per", lastName: "Brattås" };

describe("nameValue", () => {
  it("gives each source's value, joined with one space and trimmed", () => {
    expect(nameValue("companyName", { ...per, company: "  Brattås Bygg AB " })).toBe("Brattås Bygg AB");
    expect(nameValue("firstAndLastName", per)).toBe("Per Brattås");
    expect(nameValue("lastAndFirstName", per)).toBe("Brattås Per");
    expect(nameValue("none", per)).toBe("");
    expect(nameValue("firstAndLastName", { company: "", firstName: "  Per ", lastName: "" })).toBe("Per");
    expect(nameValue("lastAndFirstName", { company: "", firstName: "", lastName: " Dahl " })).toBe("Dahl");
    expect(nameValue("firstAndLastName", { company: "", firstName: "Anna  Lena", lastName: "Berg" })).toBe("Anna Lena Berg");
  });

  it("treats null and missing parts as empty", () => {
    expect(nameValue("firstAndLastName", { company: null, firstName: null, lastName: undefined } as any)).toBe("");
    expect(nameValue("companyName", {} as any)).toBe("");
  });
});

describe("buildNames", () => {
  it("name = nameSource value, name2 = name2Source value, contact = contactSource value", () => {
    expect(buildNames(DEFAULTS, per)).toEqual({ name: "Brattås Bygg AB", name2: "Per Brattås", contact: "Per Brattås" });
    expect(buildNames({ nameSource: "lastAndFirstName", name2Source: "companyName", contactSource: "lastAndFirstName" }, per)).toEqual({
      name: "Brattås Per",
      name2: "Brattås Bygg AB",
      contact: "Brattås Per",
    });
  });

  it("when name is empty it takes the name2Source value and name2 stays empty", () => {
    expect(buildNames(DEFAULTS, { ...per, company: "" })).toEqual({ name: "Per Brattås", name2: "", contact: "Per Brattås" });
    expect(buildNames({ ...DEFAULTS, nameSource: "none" }, per)).toEqual({ name: "Per Brattås", name2: "", contact: "Per Brattås" });
  });

  it("contact is never the company", () => {
    expect(buildNames({ ...DEFAULTS, contactSource: "companyName" }, per).contact).toBe("");
    expect(buildNames({ ...DEFAULTS, contactSource: "none" }, per).contact).toBe("");
  });

  it("gives empty names for no parts at all (the caller then applies the never-empty chain)", () => {
    expect(buildNames(DEFAULTS, { company: "", firstName: "", lastName: "" })).toEqual({ name: "", name2: "", contact: "" });
    expect(buildNames(DEFAULTS, { company: " \u200B ", firstName: null, lastName: null } as any)).toEqual({ name: "", name2: "", contact: "" });
  });

  it("keeps emoji, right-to-left text and combining marks, in NFC", () => {
    expect(buildNames(DEFAULTS, { company: "", firstName: "Zoe\u0308", lastName: "🎉" }).name).toBe("Zoë 🎉");
    expect(buildNames(DEFAULTS, { company: "", firstName: "ليلى", lastName: "حداد" }).name).toBe("ليلى حداد");
  });
});

describe("ensureName: a name is never empty", () => {
  const empty = { name: "", name2: "", contact: "" };

  it("keeps a built name", () => {
    expect(ensureName({ name: "Berg Studio", name2: "", contact: "Lina Berg" }, "x@y.se", "", "gid://shopify/Customer/1")).toEqual({
      name: "Berg Studio",
      name2: "",
      contact: "Lina Berg",
    });
  });

  it("moves the contact to the name and clears the contact", () => {
    expect(ensureName({ name: "", name2: "", contact: "Lina Berg" }, "lina@example.test", "", "gid://shopify/Customer/1")).toEqual({
      name: "Lina Berg",
      name2: "",
      contact: "",
    });
  });

  it("then the email, then the phone, then Shopify customer <numeric id>", () => {
    expect(ensureName(empty, " lina@example.test ", "+46701234567", "gid://shopify/Customer/42").name).toBe("lina@example.test");
    expect(ensureName(empty, "  ", " +46 70 123 45 67 ", "gid://shopify/Customer/42").name).toBe("+46 70 123 45 67");
    expect(ensureName(empty, "", "", "gid://shopify/Customer/9876543210").name).toBe("Shopify customer 9876543210");
    expect(ensureName(empty, null as any, null as any, "gid://shopify/Customer/7").name).toBe("Shopify customer 7");
  });
});

describe("splitName", () => {
  it("firstAndLastName: first word is the first name, the rest the last name", () => {
    expect(splitName("Per Brattås", "firstAndLastName")).toEqual({ firstName: "Per", lastName: "Brattås" });
    expect(splitName("Ludwig van Beethoven", "firstAndLastName")).toEqual({ firstName: "Ludwig", lastName: "van Beethoven" });
  });

  it("lastAndFirstName: last word is the first name, the rest the last name", () => {
    expect(splitName("Johnson John", "lastAndFirstName")).toEqual({ firstName: "John", lastName: "Johnson" });
    expect(splitName("  van Dijk   Pieter  ", "lastAndFirstName")).toEqual({ firstName: "Pieter", lastName: "van Dijk" });
  });

  it("trims and collapses spaces; one word is a first name; nothing is nothing", () => {
    expect(splitName("  Per    Brattås ", "firstAndLastName")).toEqual({ firstName: "Per", lastName: "Brattås" });
    expect(splitName("Cher", "firstAndLastName")).toEqual({ firstName: "Cher", lastName: "" });
    expect(splitName("Cher", "lastAndFirstName")).toEqual({ firstName: "Cher", lastName: "" });
    expect(splitName("   ", "firstAndLastName")).toEqual({ firstName: "", lastName: "" });
  });
});

describe("exportNames", () => {
  const erp = { name: "Brattås Bygg AB", name2: "Per Brattås", contact: "Anna Lena Berg" };

  it("takes the first non-empty of contact, name2, name — each only when its source is a person-name option", () => {
    expect(exportNames(DEFAULTS, erp)).toEqual({ firstName: "Anna", lastName: "Lena Berg", company: "Brattås Bygg AB" });
    expect(exportNames(DEFAULTS, { ...erp, contact: "" })).toEqual({ firstName: "Per", lastName: "Brattås", company: "Brattås Bygg AB" });
    expect(exportNames({ ...DEFAULTS, contactSource: "none" }, erp)).toEqual({ firstName: "Per", lastName: "Brattås", company: "Brattås Bygg AB" });
    // name as companyName is never split into a person's name.
    expect(exportNames(DEFAULTS, { name: "Brattås Bygg AB", name2: "", contact: "" })).toEqual({ firstName: "", lastName: "", company: "Brattås Bygg AB" });
    expect(exportNames({ nameSource: "firstAndLastName", name2Source: "none", contactSource: "none" }, { name: "Per Brattås", name2: "ignored words", contact: "x y" })).toEqual({
      firstName: "Per",
      lastName: "Brattås",
      company: "",
    });
  });

  it("splits as the source says: Johnson John as last-and-first is first John, last Johnson", () => {
    const s: NameSettings = { nameSource: "lastAndFirstName", name2Source: "none", contactSource: "none" };
    expect(exportNames(s, { name: "Johnson John", name2: "", contact: "" })).toEqual({ firstName: "John", lastName: "Johnson", company: "" });
    expect(exportNames(s, { name: "  van Dijk   Pieter  ", name2: "", contact: "" })).toEqual({ firstName: "Pieter", lastName: "van Dijk", company: "" });
    expect(exportNames({ ...DEFAULTS, contactSource: "lastAndFirstName" }, { ...erp, contact: "Johnson John" })).toMatchObject({ firstName: "John", lastName: "Johnson" });
  });

  it("keeps the mirror's current first and last name when, joined in the source's order, they equal the text", () => {
    const s: NameSettings = { nameSource: "companyName", name2Source: "firstAndLastName", contactSource: "firstAndLastName" };
    const c = { name: "Berg Studio", name2: "", contact: "Anna Lena Berg" };
    // A two-word first name is not moved into the last name.
    expect(exportNames(s, c, { firstName: "Anna Lena", lastName: "Berg" })).toEqual({ firstName: "Anna Lena", lastName: "Berg", company: "Berg Studio" });
    // Ignoring case and spaces; the mirror's spelling is kept.
    expect(exportNames(s, { ...c, contact: "ANNA  LENA berg" }, { firstName: "Anna Lena", lastName: "Berg" })).toMatchObject({ firstName: "Anna Lena", lastName: "Berg" });
    // In last-and-first order.
    const lf: NameSettings = { ...s, contactSource: "lastAndFirstName" };
    expect(exportNames(lf, { ...c, contact: "Berg Anna Lena" }, { firstName: "Anna Lena", lastName: "Berg" })).toMatchObject({ firstName: "Anna Lena", lastName: "Berg" });
    // A different name is split as usual.
    expect(exportNames(s, { ...c, contact: "Anna Lena Holm" }, { firstName: "Anna Lena", lastName: "Berg" })).toMatchObject({ firstName: "Anna", lastName: "Lena Holm" });
    // An empty mirror name is no reason to keep anything.
    expect(exportNames(s, c, { firstName: "", lastName: "" })).toMatchObject({ firstName: "Anna", lastName: "Lena Berg" });
  });

  it("company: name when nameSource is companyName, else name2 when name2Source is companyName", () => {
    expect(exportNames({ nameSource: "firstAndLastName", name2Source: "companyName", contactSource: "none" }, { name: "Per Brattås", name2: "Brattås Bygg AB", contact: "" })).toEqual({
      firstName: "Per",
      lastName: "Brattås",
      company: "Brattås Bygg AB",
    });
    expect(exportNames({ nameSource: "firstAndLastName", name2Source: "none", contactSource: "none" }, { name: "Per Brattås", name2: "Brattås Bygg AB", contact: "" }).company).toBe("");
  });

  it("gives empty names when every source is empty or not a person-name option", () => {
    expect(exportNames({ nameSource: "none", name2Source: "companyName", contactSource: "none" }, { name: "", name2: "Firma", contact: "" })).toEqual({
      firstName: "",
      lastName: "",
      company: "Firma",
    });
  });
});
