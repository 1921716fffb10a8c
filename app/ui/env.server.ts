// UI-only environment, validated once: where the browser loads App Bridge from. Production uses Shopify's CDN;
// the offline demo points it at a local stand-in (the @shopify/shopify-app-remix node adapter reads the same
// variable for its bounce page).
import { z } from "zod";
import { EnvError } from "../env.server";

const schema = z.object({
  APP_BRIDGE_URL: z.string().min(1).optional(),
  JOB_WORKER: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() : v), z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on")),
});

let cached: z.infer<typeof schema> | null = null;

export function uiEnv() {
  if (cached) return cached;
  const parsed = schema.safeParse({ APP_BRIDGE_URL: process.env.APP_BRIDGE_URL || undefined, JOB_WORKER: process.env.JOB_WORKER || undefined });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`The app's environment is not valid:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}
