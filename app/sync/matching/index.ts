// The registry of customer mapping strategies, keyed by the shop setting `customerMappingType`.
import { byBillToInfo } from "./by-bill-to-info";
import { byEmailPhone } from "./by-email-phone";
import { defaultCustomer } from "./default-customer";
import type { MatchStrategy } from "./types";

export const mappingStrategies: Record<string, MatchStrategy> = {
  byEmailPhone,
  byBillToInfo,
  defaultCustomer,
};

export function strategyFor(mappingType: string): MatchStrategy {
  const s = mappingStrategies[mappingType];
  if (!s) throw new Error(`Unknown customer mapping type "${mappingType}"`);
  return s;
}

export type { MatchInput, MatchResult, MatchStrategy } from "./types";
