// npm run simulator: starts the Shopify Admin API simulator with a generated store.
//   SIM_PORT (default 3999), SIM_SHOP (default demo-shop.myshopify.com), SIM_SEED_CUSTOMERS (default 10000),
//   SIM_SEED (default 1), SIM_ORDERS (default 1% of customers), SHOPIFY_API_KEY / SHOPIFY_API_SECRET,
//   SIM_WEBHOOK_URL (optional), SIM_AUTO_WEBHOOKS=1, SIM_CSV=<Shopify customers export to load instead>.
import { startSimulator, normalizeShop } from "./index.js";
import { generateCustomers, generateOrders } from "./generator.js";
import { loadShopifyCustomersCsv } from "./csv.js";

// Ports Node's fetch refuses ("bad ports" of the WHATWG fetch spec).
const BAD_PORTS = new Set([1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

const env = process.env;
const port = Number(env.SIM_PORT ?? 3999);
if (BAD_PORTS.has(port)) {
  console.error(`SIM_PORT ${port} is a port Node's fetch refuses to connect to; pick another (e.g. 3999).`);
  process.exit(1);
}
const shop = normalizeShop(env.SIM_SHOP ?? "demo-shop.myshopify.com");
const count = Number(env.SIM_SEED_CUSTOMERS ?? 10000);
const seed = Number(env.SIM_SEED ?? 1);

const sim = await startSimulator({
  port,
  host: env.SIM_HOST ?? "127.0.0.1",
  apiKey: env.SHOPIFY_API_KEY ?? "sim-api-key",
  apiSecret: env.SHOPIFY_API_SECRET ?? "sim-api-secret",
  webhookUrl: env.SIM_WEBHOOK_URL || undefined,
  autoWebhooks: env.SIM_AUTO_WEBHOOKS === "1",
  log: env.SIM_VERBOSE ? (l) => console.log(l) : undefined,
});

const t0 = Date.now();
const customers = env.SIM_CSV ? loadShopifyCustomersCsv(env.SIM_CSV) : generateCustomers({ count, seed });
sim.setCustomers(shop, customers);
const orderCount = Number(env.SIM_ORDERS ?? Math.ceil(customers.length / 100));
for (const o of generateOrders(customers, { count: orderCount, seed })) sim.setOrder(shop, o);
const token = sim.issueAccessToken(shop);

console.log(`Shopify simulator listening on ${sim.url} (Admin API ${sim.apiVersion})`);
console.log(`  shop:          ${shop} (${customers.length} customers, ${orderCount} orders, seeded in ${Date.now() - t0} ms)`);
console.log(`  access token:  ${token}`);
console.log(`  GraphQL:       POST ${sim.url}/admin/api/${sim.apiVersion}/graphql.json  (headers X-Shopify-Access-Token, X-Sim-Shop-Domain: ${shop})`);
console.log(`  token exchange POST ${sim.url}/admin/oauth/access_token`);
console.log(`  control API:   ${sim.url}/__sim/<method> (health, reset, setCustomer, customers, requests, fault, setBucket, ...)`);
console.log("");
console.log("Sync this store from the command line (in another terminal):");
console.log(`  SHOPIFY_API_KEY=${env.SHOPIFY_API_KEY ?? "sim-api-key"} SHOPIFY_API_SECRET=${env.SHOPIFY_API_SECRET ?? "sim-api-secret"} SHOPIFY_APP_URL=http://127.0.0.1:3000 \\`);
console.log(`  SHOPIFY_SIMULATOR_URL=${sim.url} npm run sync -- --shop ${shop} --connect-simulator --set customerImport=allCustomers`);

const stop = async () => { await sim.close(); process.exit(0); };
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
