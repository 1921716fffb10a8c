// UI-only environment, validated once: where the browser loads App Bridge from. Production uses Shopify's CDN;
// the offline demo points it at a local stand-in (the @shopify/shopify-app-remix node adapter reads the same
// variable for its bounce page).
import { z } from "zod";

const schema = z.object({
  APP_BRIDGE_URL: z.string().min(1).optional(),
  JOB_WORKER: z.enum(["on", "off"]).default("on"),
});

let cached: z.infer<typeof schema> | null = null;

export function uiEnv() {
  if (!cached) cached = schema.parse({ APP_BRIDGE_URL: process.env.APP_BRIDGE_URL || undefined, JOB_WORKER: process.env.JOB_WORKER || undefined });
  return cached;
}
