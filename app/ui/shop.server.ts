// Facts about the shop the UI shows but does not store: its time zone (dates are shown in the shop's time, the same
// on the server and in the browser). Cached per process; a failure falls back to UTC.
type AdminClient = { graphql: (query: string, o?: { variables?: Record<string, unknown> }) => Promise<Response> };

const SHOP_TIME_ZONE = `#graphql
  query ShopTimeZone { shop { ianaTimezone } }`;

const zones = new Map<string, string>();

export async function shopTimeZone(shop: string, admin: AdminClient): Promise<string> {
  const hit = zones.get(shop);
  if (hit) return hit;
  try {
    const res = await admin.graphql(SHOP_TIME_ZONE);
    const body = (await res.json()) as { data?: { shop?: { ianaTimezone?: string } } };
    const tz = body.data?.shop?.ianaTimezone || "UTC";
    new Intl.DateTimeFormat("en", { timeZone: tz }); // throws on a zone this runtime does not know
    zones.set(shop, tz);
    return tz;
  } catch {
    return "UTC";
  }
}
