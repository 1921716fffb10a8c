// The embedded app's frame: Shopify authentication for every page under /app, Polaris (in the admin's language)
// and App Bridge (navigation menu, save bar, toasts).
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json" with { type: "json" };
import polarisSv from "@shopify/polaris/locales/sv.json" with { type: "json" };
import { env } from "../env.server";
import { I18nProvider, useI18n, type Locale } from "../i18n";
import { countryNameTables } from "../i18n/countries.server";
import { requireAdmin } from "../ui/admin.server";
import { uiEnv } from "../ui/env.server";
import { shopTimeZone } from "../ui/shop.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  return {
    apiKey: env().SHOPIFY_API_KEY,
    appBridgeUrl: uiEnv().APP_BRIDGE_URL ?? null,
    shop,
    timeZone: await shopTimeZone(shop, admin),
    countryNames: countryNameTables(),
  };
};

// Nothing in the frame's data changes during a visit (and each page's loader authenticates its own requests).
export const shouldRevalidate = () => false;

function Nav() {
  const { m } = useI18n();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {m.nav.home}
      </Link>
      <Link to="/app/customers">{m.nav.customers}</Link>
      <Link to="/app/erp">{m.nav.erp}</Link>
      <Link to="/app/orders">{m.nav.orders}</Link>
      <Link to="/app/countries">{m.nav.countries}</Link>
      <Link to="/app/log">{m.nav.log}</Link>
      <Link to="/app/settings">{m.nav.settings}</Link>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, appBridgeUrl, timeZone, countryNames } = useLoaderData<typeof loader>();
  const locale = useRouteLoaderData<{ locale: Locale }>("root")?.locale ?? "en";
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      i18n={locale === "sv" ? polarisSv : polarisEn}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <I18nProvider locale={locale} timeZone={timeZone} countryNames={countryNames[locale]}>
        <Nav />
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify needs the library's boundary to answer auth redirects and headers inside the admin.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
