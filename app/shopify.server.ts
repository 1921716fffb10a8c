// Shopify app configuration only.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { CachedSessionStorage } from "./shopify/session-cache.server";
import { installShopifyFetch } from "./shopify/simulator-seam.server";
import { accessGranted } from "./sync/settings";

/** The Admin API version the app and the simulator speak. */
export const API_VERSION = ApiVersion.July26;

const config = env();
installShopifyFetch({ simulatorUrl: config.SHOPIFY_SIMULATOR_URL ?? null, timeoutMs: config.SHOPIFY_API_TIMEOUT_MS });

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Every webhook delivery and admin request loads the shop's offline session: cached for a few seconds.
  sessionStorage: new CachedSessionStorage(new PrismaSessionStorage(prisma)),
  distribution: AppDistribution.AppStore,
  // Info level logs every authenticated request; warnings and errors are what an operator needs.
  logger: { level: LogSeverity.Warning },
  hooks: {
    // A new offline token (the app opened in Shopify admin after its access was lost): the schedule runs again and
    // the banner goes.
    afterAuth: async ({ session }) => {
      await accessGranted(prisma, session.shop);
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
