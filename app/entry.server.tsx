// Server rendering of documents, with Shopify's document headers (frame-ancestors for the embedded admin), and the
// start of the app server's background work (job queue and schedule) the first time the server build loads.
import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { uiEnv } from "./ui/env.server";
import { startBackgroundWork } from "./ui/worker.server";

export const streamTimeout = 5000;

// The app server (server.ts) takes webhook deliveries straight from Node's HTTP server to the receive path.
export { handleWebhookRequest, isWebhookRequest } from "./webhooks/node-http.server";

startBackgroundWork();

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // The library preloads App Bridge from Shopify's CDN; preload the script the app really loads.
  const appBridgeUrl = uiEnv().APP_BRIDGE_URL;
  if (appBridgeUrl && responseHeaders.has("Link")) responseHeaders.set("Link", `<${appBridgeUrl}>; rel="preload"; as="script";`);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
