// Shopify OAuth pieces the app uses: session-token (JWT HS256) verification, token exchange, refresh.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface TokenInfo { shop: string; kind: "offline" | "online"; expiresAt: number | null; userId?: number }
export interface RefreshInfo { shop: string; expiresAt: number }

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** Signs a session token like App Bridge's `shopify.idToken()` (handy for tests). */
export function signSessionToken(apiKey: string, apiSecret: string, shop: string, o: { userId?: number; expiresInS?: number; nbfOffsetS?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const claims = {
    iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: apiKey, sub: String(o.userId ?? 42),
    exp: now + (o.expiresInS ?? 60), nbf: now + (o.nbfOffsetS ?? 0), iat: now,
    jti: randomBytes(8).toString("hex"), sid: randomBytes(8).toString("hex"),
  };
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${createHmac("sha256", apiSecret).update(body).digest("base64url")}`;
}

export function verifySessionToken(token: string, apiKey: string, apiSecret: string, leewayS = 5): { ok: true; claims: any } | { ok: false; reason: string } {
  const parts = String(token ?? "").split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  let header: any, claims: any;
  try { header = JSON.parse(Buffer.from(parts[0], "base64url").toString()); claims = JSON.parse(Buffer.from(parts[1], "base64url").toString()); }
  catch { return { ok: false, reason: "malformed" }; }
  if (header.alg !== "HS256") return { ok: false, reason: "unsupported alg" };
  const want = createHmac("sha256", apiSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], "base64url");
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: "bad signature" };
  const now = Date.now() / 1000;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(apiKey)) return { ok: false, reason: "wrong audience" };
  if (typeof claims.exp !== "number" || claims.exp < now - leewayS) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf > now + leewayS) return { ok: false, reason: "not yet valid" };
  const dest = String(claims.dest ?? "").replace(/^https:\/\//, "");
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(dest)) return { ok: false, reason: "bad dest" };
  if (claims.iss && String(claims.iss).replace(/^https:\/\//, "").replace(/\/admin$/, "") !== dest) return { ok: false, reason: "iss does not match dest" };
  return { ok: true, claims };
}

export const newAccessToken = () => `shpat_${randomBytes(16).toString("hex")}`;
export const newRefreshToken = () => `shprt_${randomBytes(16).toString("hex")}`;

export const OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";
export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

export const ACCESS_TOKEN_TTL_S = 3600; // expiring offline tokens: 1 hour
export const REFRESH_TOKEN_TTL_S = 90 * 24 * 3600; // refresh tokens: 90 days
export const ONLINE_TTL_S = 86399;
