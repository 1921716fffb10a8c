// Every webhook topic the app subscribes to (shopify.app.toml) arrives here.
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";

export const action = async ({ request }: ActionFunctionArgs) => receiveWebhook(request);
