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
  /** A date and time in the UI language (fixed time zone so server and browser render the same text). */
  dateTime(value: string | Date | null | undefined): string;
  number(value: number): string;
  /** A country/region name for an ISO code, in the UI language. */
  country(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function makeI18n(locale: Locale, timeZone = "UTC"): I18n {
  const m = messagesFor(locale);
  const tag = locale === "sv" ? "sv-SE" : "en-GB";
  const dtf = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short", timeZone });
  const nf = new Intl.NumberFormat(tag);
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([tag], { type: "region" });
  } catch {
    names = null;
  }
  return {
    locale,
    m,
    fmt,
    dateTime: (v) => {
      if (!v) return "";
      const d = typeof v === "string" ? new Date(v) : v;
      return Number.isNaN(d.getTime()) ? "" : dtf.format(d);
    },
    number: (n) => nf.format(n),
    country: (iso) => {
      const code = String(iso ?? "").toUpperCase();
      if (!/^[A-Z]{2}$/.test(code)) return code;
      try {
        return names?.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

export function I18nProvider({ locale, timeZone, children }: { locale: Locale; timeZone?: string; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale, timeZone), [locale, timeZone]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  return v ?? makeI18n("en");
}
