// Webhook deliveries straight from Node's HTTP server to the receive path, without converting them into a Fetch API
// Request and through Remix's request handler first: that conversion and routing cost as much CPU as authenticating
// and recording the delivery (bench/README.md). The app server (server.ts), the demo and the test harness route
// `POST /webhooks` here; everything else goes to Remix. The Remix route (app/routes/webhooks.tsx) stays for
// `npm run dev` and behaves the same (both call `receiveDelivery`).
import type { IncomingMessage, ServerResponse } from "node:http";
import { TooLarge, receiveDelivery } from "./receive.server";

/** The webhook path of the app server. */
export const WEBHOOK_PATH = "/webhooks";

/** Whether a request is a webhook delivery for `handleWebhookRequest` (a POST to /webhooks, any query). */
export function isWebhookRequest(req: IncomingMessage): boolean {
  if (req.method !== "POST" || !req.url) return false;
  const q = req.url.indexOf("?");
  return (q < 0 ? req.url : req.url.slice(0, q)) === WEBHOOK_PATH;
}

export async function handleWebhookRequest(req: IncomingMessage, res: ServerResponse, origin = "http://localhost"): Promise<void> {
  let response: Response;
  try {
    response = await receiveDelivery({ method: req.method ?? "POST", url: origin + (req.url ?? WEBHOOK_PATH), headers: Object.entries(req.headers), readBody: (limit) => readNodeBody(req, limit) });
  } catch (thrown) {
    if (thrown instanceof Response) response = thrown;
    else {
      console.error(`Webhook delivery failed: ${(thrown as Error)?.stack ?? thrown}`);
      response = new Response("Internal error", { status: 500 });
    }
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // A body refused as too large is not read: the connection is closed after the answer instead of reading it.
  if (response.status === 413) headers.connection = "close";
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

function readNodeBody(req: IncomingMessage, limit: number): Promise<string> {
  const length = req.headers["content-length"];
  if (length !== undefined && /^\d+$/.test(length) && Number(length) > limit) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}
