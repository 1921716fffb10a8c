// Receiving a webhook: authenticate (HMAC; a wrong one is a 401 and nothing is stored), record the delivery by
// webhook id and event id (a duplicate gets 200 and no work), hand the work to the job queue, answer at once.
import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";
import { enqueue } from "../jobs/queue";
import { webhookJobKey } from "../sync/webhooks";

export function normalizeTopic(topic: string): string {
  // The library gives "CUSTOMERS_UPDATE"; the app speaks "customers/update".
  if (topic.includes("/")) return topic.toLowerCase();
  const t = topic.toLowerCase();
  const i = t.indexOf("_");
  return i < 0 ? t : `${t.slice(0, i)}/${t.slice(i + 1)}`;
}

export async function receiveWebhook(request: Request): Promise<Response> {
  const { topic: rawTopic, shop, payload, webhookId, eventId } = (await authenticate.webhook(request)) as any;
  const topic = normalizeTopic(String(rawTopic));
  try {
    // The receipt and its job in one transaction: if the job cannot be stored the receipt is not either, so the
    // delivery fails and Shopify's retry is processed instead of being taken for a duplicate.
    await prisma.$transaction(async (tx) => {
      await tx.webhookReceipt.create({ data: { shop, webhookId: String(webhookId), eventId: eventId ? String(eventId) : null, topic } });
      await enqueue(tx, { shop, kind: "webhook", key: webhookJobKey(topic, payload), payload: { topic, payload, webhookId: String(webhookId) } });
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return new Response(null, { status: 200 });
    throw e;
  }
  return new Response(null, { status: 200 });
}
