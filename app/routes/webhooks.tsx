// Every webhook topic the app subscribes to (shopify.app.toml) arrives here.
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";

export const action = async ({ request }: ActionFunctionArgs) => receiveWebhook(request);

/** Shopify only POSTs here; anything else is told so, without an error in the log. */
export const loader = () => new Response("Webhooks are POSTed here.", { status: 405, headers: { Allow: "POST" } });
