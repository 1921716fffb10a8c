// The one Shopify client under every call the engine makes: paces itself by Shopify's cost-based leaky bucket,
// waits the computed time after THROTTLED, backs off on 5xx and network errors, never hot-loops, and keeps each
// query under the 1000-point limit (the operations size their pages for that).
import { ShopifyApiError, ShopifyAuthError, ShopifyGraphqlError, ShopifyTimeoutError } from "./errors";

export interface GraphqlResult {
  data?: any;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { cost?: CostExtension };
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/** Sends one GraphQL document and returns Shopify's JSON body; throws for HTTP failures (see adminTransport). */
export type GraphqlTransport = (query: string, variables?: Record<string, unknown>) => Promise<GraphqlResult>;

export class TransientHttpError extends Error {
  constructor(
    message: string,
    public status?: number,
  ) {
    super(message);
  }
}

export interface GatewayStats {
  requests: number;
  throttled: number;
  pointsSpent: number;
  waitedMs: number;
  retries: number;
}

export interface GatewayOptions {
  /** Attempts for 5xx/network failures before giving up with apiError. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxThrottleRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ShopifyGateway {
  readonly stats: GatewayStats = { requests: 0, throttled: 0, pointsSpent: 0, waitedMs: 0, retries: 0 };
  private bucket: { max: number; available: number; rate: number; at: number } | null = null;
  private readonly opts: Required<GatewayOptions>;

  constructor(
    private readonly transport: GraphqlTransport,
    opts: GatewayOptions = {},
  ) {
    this.opts = {
      maxAttempts: opts.maxAttempts ?? 5,
      baseBackoffMs: opts.baseBackoffMs ?? 250,
      maxThrottleRetries: opts.maxThrottleRetries ?? 50,
      sleep: opts.sleep ?? defaultSleep,
    };
  }

  /** Points available now, by the last throttle status and the restore rate. */
  availableNow(): number | null {
    if (!this.bucket) return null;
    const elapsed = (Date.now() - this.bucket.at) / 1000;
    return Math.min(this.bucket.max, this.bucket.available + elapsed * this.bucket.rate);
  }

  private async waitFor(cost: number) {
    const avail = this.availableNow();
    if (avail === null || !this.bucket) return;
    const need = Math.min(cost, this.bucket.max);
    if (avail >= need) return;
    const ms = Math.ceil(((need - avail) / this.bucket.rate) * 1000) + 20;
    this.stats.waitedMs += ms;
    await this.opts.sleep(ms);
  }

  private record(cost: CostExtension | undefined) {
    if (!cost?.throttleStatus) return;
    const t = cost.throttleStatus;
    this.bucket = { max: t.maximumAvailable, available: t.currentlyAvailable, rate: t.restoreRate || 50, at: Date.now() };
  }

  /**
   * Run one operation. `expectedCost` lets the gateway wait before the bucket runs dry.
   * `mutation`: a timeout is not retried (the write may have landed) but thrown for the caller to reconcile.
   */
  async request<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    o: { expectedCost?: number; mutation?: boolean } = {},
  ): Promise<T> {
    let attempt = 0;
    let throttles = 0;
    for (;;) {
      await this.waitFor(o.expectedCost ?? 10);
      let result: GraphqlResult;
      try {
        this.stats.requests++;
        result = await this.transport(query, variables);
      } catch (e) {
        if (e instanceof ShopifyAuthError) throw e;
        if (e instanceof ShopifyTimeoutError) {
          if (o.mutation) throw e;
        } else if (!(e instanceof TransientHttpError)) {
          throw e;
        }
        attempt++;
        if (attempt >= this.opts.maxAttempts) {
          throw new ShopifyApiError(`Shopify did not answer after ${attempt} attempts: ${(e as Error).message}`);
        }
        this.stats.retries++;
        const ms = this.opts.baseBackoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        this.stats.waitedMs += ms;
        await this.opts.sleep(ms);
        continue;
      }
      const cost = result.extensions?.cost;
      this.record(cost);
      const throttled = result.errors?.some((er) => er.extensions?.code === "THROTTLED");
      if (throttled) {
        this.stats.throttled++;
        throttles++;
        if (throttles > this.opts.maxThrottleRetries) {
          throw new ShopifyApiError("Shopify kept throttling the app's requests");
        }
        const requested = cost?.requestedQueryCost ?? o.expectedCost ?? 10;
        const t = cost?.throttleStatus;
        const ms = t ? Math.max(100, Math.ceil(((requested - t.currentlyAvailable) / (t.restoreRate || 50)) * 1000) + 20) : 1000;
        this.stats.waitedMs += ms;
        await this.opts.sleep(ms);
        continue;
      }
      if (cost) this.stats.pointsSpent += cost.actualQueryCost ?? cost.requestedQueryCost ?? 0;
      if (result.errors?.length) {
        const msg = result.errors.map((er) => er.message).join("; ");
        throw new ShopifyGraphqlError(`Shopify rejected the query: ${msg}`, result.errors);
      }
      return result.data as T;
    }
  }
}

/**
 * A transport over the Admin GraphQL client of @shopify/shopify-app-remix (`admin.graphql`), which is
 * @shopify/shopify-api's GraphqlClient underneath: the real code path, whatever the target.
 */
export function adminTransport(admin: { graphql: (q: string, o?: any) => Promise<Response> }): GraphqlTransport {
  return async (query, variables) => {
    try {
      const res = await admin.graphql(query, { variables });
      return (await res.json()) as GraphqlResult;
    } catch (e: any) {
      return translateClientError(e);
    }
  };
}

export function translateClientError(e: any): GraphqlResult {
  const name = e?.constructor?.name ?? e?.name;
  if (name === "GraphqlQueryError") {
    const body = e.body ?? {};
    const errors = body.errors?.graphQLErrors ?? (Array.isArray(body.errors) ? body.errors : [{ message: e.message }]);
    return { data: body.data, errors, extensions: body.extensions };
  }
  if (e instanceof Response) {
    if (e.status === 401 || e.status === 403) throw new ShopifyAuthError("Shopify refused the shop's access token");
    throw new TransientHttpError(`HTTP ${e.status}`, e.status);
  }
  const status: number | undefined = e?.response?.code ?? e?.code;
  if (name === "HttpResponseError" || name === "HttpRetriableError" || name === "HttpInternalError" || name === "HttpThrottlingError" || name === "HttpMaxRetriesError") {
    if (status === 401 || status === 403) throw new ShopifyAuthError("Shopify refused the shop's access token");
    throw new TransientHttpError(e.message, typeof status === "number" ? status : undefined);
  }
  const text = String(e?.message ?? e);
  if (e?.name === "TimeoutError" || e?.name === "AbortError" || /aborted|timeout/i.test(text)) {
    throw new ShopifyTimeoutError("Shopify did not answer in time");
  }
  if (name === "HttpRequestError" || e?.name === "TypeError" || /fetch failed|ECONNRE|socket/i.test(text)) {
    throw new TransientHttpError(text);
  }
  throw e;
}
