// A Sync customers run in its own process, for the crash test (crash.test.ts): the parent kills it with SIGKILL in
// the middle of the run. Environment from the parent's harness (DATABASE_URL, SHOPIFY_SIMULATOR_URL, API key and
// secret). Prints one JSON line per saved page: {"page": n, "read": r}.
export {};

const shop = process.argv[2];
if (!shop) throw new Error("usage: tsx tests/reliability/sync-child.ts <shop>");
const app = await import("../support/app-modules");
let page = 0;
const summary = await app.service.sync.syncCustomers(shop, {
  trigger: "cli",
  readMode: "paged",
  onProgress: (counts) => {
    page++;
    process.stdout.write(JSON.stringify({ page, read: counts.read }) + "\n");
  },
});
process.stdout.write(JSON.stringify({ done: true, status: summary.status }) + "\n");
process.exit(0);
