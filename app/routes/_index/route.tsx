// The public landing page. Shopify opens the app with ?shop=…; such requests go straight into the embedded app.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { localeFromRequest, messagesFor } from "../../i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return { m: messagesFor(localeFromRequest(request)).landing };
};

export default function Landing() {
  const { m } = useLoaderData<typeof loader>();
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "10vh auto", padding: "0 1.5rem", lineHeight: 1.5, color: "#303030" }}>
      <h1 style={{ fontSize: "1.75rem", marginBottom: "0.5rem" }}>{m.title}</h1>
      <p>{m.text}</p>
    </main>
  );
}
