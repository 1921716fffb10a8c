// The environment, validated once at boot with a message that names each missing or wrong variable.
import { z } from "zod";

const required = (message: string) => z.string({ error: message }).min(1, message);

const schema = z.object({
  SHOPIFY_API_KEY: required("SHOPIFY_API_KEY is required (the app's client id from the Partner dashboard)"),
  SHOPIFY_API_SECRET: required("SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.string({ error: "SHOPIFY_APP_URL is required (the app's public https URL)" }).url("SHOPIFY_APP_URL must be the app's public https URL"),
  SCOPES: z.string().default("read_customers,write_customers,read_orders"),
  DATABASE_URL: z.string().optional(),
  // Set only for tests, the demo and benchmarks: every Shopify call goes to this local simulator instead.
  SHOPIFY_SIMULATOR_URL: z.string().url("SHOPIFY_SIMULATOR_URL must be a URL like http://127.0.0.1:3999").optional(),
  SHOPIFY_API_TIMEOUT_MS: z.coerce.number().int().positive().default(30000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof schema>;

let cached: Env | null = null;

export class EnvError extends Error {}

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`The app's environment is not valid:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = null;
}
