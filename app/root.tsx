// The document. The UI language comes from the Shopify admin's locale on the first (document) request and stays
// for the whole visit: client-side navigations carry no locale, so the root loader never revalidates.
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { localeFromRequest, type Locale } from "./i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  return { locale: localeFromRequest(request) };
};

export const shouldRevalidate = () => false;

export const links: LinksFunction = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<{ locale: Locale }>("root");
  return (
    <html lang={data?.locale ?? "en"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}
