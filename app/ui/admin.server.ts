// The one way a page or resource route learns who is asking: Shopify's session-token authentication.
import { authenticate } from "../shopify.server";

export async function requireAdmin(request: Request) {
  const { session, admin } = await authenticate.admin(request);
  return { shop: session.shop, session, admin };
}
