// The UI language: English or Swedish, chosen by the Shopify admin's locale (the `locale` search parameter Shopify
// adds when it opens the app). Pages read texts with useI18n(): `m` is the message tree, `fmt` fills {placeholders}.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { en, type Messages } from "./en";
import { sv } from "./sv";

export type Locale = "en" | "sv";
export const LOCALES: Locale[] = ["en", "sv"];

const MESSAGES: Record<Locale, Messages> = { en, sv };

/** "sv", "sv-SE", "SV" → sv; anything else → en. */
export function resolveLocale(input: string | null | undefined): Locale {
  const tag = String(input ?? "").trim().toLowerCase();
  if (tag === "sv" || tag.startsWith("sv-") || tag.startsWith("sv_")) return "sv";
  return "en";
}

/** The admin's locale from a document request: `?locale=`, else the browser's first language. */
export function localeFromRequest(request: Request): Locale {
  const url = new URL(request.url);
  const param = url.searchParams.get("locale");
  if (param) return resolveLocale(param);
  const accept = request.headers.get("accept-language") ?? "";
  return resolveLocale(accept.split(",")[0]?.split(";")[0]);
}

export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}

export function fmt(template: string, vars: Record<string, string | number | null | undefined> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, k) => (vars[k] === undefined || vars[k] === null ? whole : String(vars[k])));
}

export interface I18n {
  locale: Locale;
  m: Messages;
  fmt: typeof fmt;
  /** A date and time in the shop's time zone, e.g. "3 Dec 2026, 14:05" / "2026-12-03 14:05". */
  dateTime(value: string | Date | null | undefined): string;
  /** 1,234 / 1 234 */
  number(value: number): string;
  /** A country/region name for an ISO code, in the UI language. */
  country(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Dates and numbers are put together from numeric parts only: the words and spaces Intl puts around them differ
// between ICU versions (Node and each browser), and a page must render the same text on the server and in the browser.
export function makeI18n(locale: Locale, timeZone = "UTC", countryNames: Record<string, string> = {}): I18n {
  const m = messagesFor(locale);
  let parts: Intl.DateTimeFormat;
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h23" });
  } catch {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h23" });
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    locale,
    m,
    fmt,
    dateTime: (v) => {
      if (!v) return "";
      const d = typeof v === "string" ? new Date(v) : v;
      if (Number.isNaN(d.getTime())) return "";
      const p: Record<string, number> = {};
      for (const x of parts.formatToParts(d)) if (x.type !== "literal") p[x.type] = Number(x.value);
      const time = `${pad(p.hour % 24)}:${pad(p.minute)}`;
      return locale === "sv" ? `${p.year}-${pad(p.month)}-${pad(p.day)} ${time}` : `${p.day} ${MONTHS_EN[p.month - 1]} ${p.year}, ${time}`;
    },
    number: (n) => {
      const [int, frac] = String(Math.abs(n)).split(".");
      const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, locale === "sv" ? "\u00a0" : ",");
      return (n < 0 ? "-" : "") + grouped + (frac ? (locale === "sv" ? "," : ".") + frac : "");
    },
    country: (iso) => {
      const code = String(iso ?? "").toUpperCase();
      return countryNames[code] ?? code;
    },
  };
}

/** A sort key that orders names the same way in every JavaScript engine (no locale collation). */
export function sortKey(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export function I18nProvider(props: { locale: Locale; timeZone?: string; countryNames?: Record<string, string>; children: ReactNode }) {
  const { locale, timeZone, countryNames, children } = props;
  const value = useMemo(() => makeI18n(locale, timeZone, countryNames), [locale, timeZone, countryNames]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  return v ?? makeI18n("en");
}
