// Failures of the Shopify transport, as the engine needs to tell them apart.

/** Shopify kept failing (5xx, network) after the retries: spec code `apiError`. */
export class ShopifyApiError extends Error {
  code = "apiError" as const;
}

/** The shop's offline session is missing or revoked: spec code `authRequired`. */
export class ShopifyAuthError extends Error {
  code = "authRequired" as const;
}

/** A request was sent but no answer came in time: a mutation may or may not have been committed. */
export class ShopifyTimeoutError extends Error {
  code = "timeout" as const;
}

/** Shopify answered with GraphQL errors (not throttling): a bug in a query or a rejected argument. */
export class ShopifyGraphqlError extends Error {
  code = "apiError" as const;
  constructor(
    message: string,
    public errors: unknown[],
  ) {
    super(message);
  }
}
