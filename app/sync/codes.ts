// The stable log codes of spec §9 and the level each belongs to. Tests and the UI rely on these names.
export const LOG_CODES = {
  noEmail: "skip",
  invalidEmail: "skip",
  invalidPhone: "skip",
  missingIsoCode: "skip",
  alreadyLinked: "skip",
  conflictingMatch: "skip",
  noAddress: "skip",
  noTemplate: "skip",
  shopifyUserError: "skip",
  ambiguousMatch: "warning",
  unknownCountry: "warning",
  countyNotFound: "warning",
  truncated: "warning",
  noDefaultCustomer: "warning",
  created: "info",
  updated: "info",
  linked: "info",
  exported: "info",
  staleLinkCleared: "info",
  echoIgnored: "info",
  apiError: "error",
  authRequired: "error",
  internal: "error",
  // Beyond spec §9: a webhook delivery whose payload names no valid Shopify id (it is not processed or retried).
  invalidPayload: "error",
} as const;

export type LogCode = keyof typeof LOG_CODES;
export type LogLevel = (typeof LOG_CODES)[LogCode];

export function levelOf(code: LogCode): LogLevel {
  return LOG_CODES[code];
}
