// Download of a customer data report (customers/data_request webhook), as JSON.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "../ui/admin.server";
import { dataRequestReport } from "../ui/log.server";

/** The largest id SQLite's Int column (32-bit in Prisma) holds; a longer number is no report either. */
const MAX_ID = 2_147_483_647;

function notFound(message: string): Response {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const raw = params.id ?? "";
  // Digits only: Number() would also take "0x10", "1e3" or " 7 ".
  const id = /^[0-9]{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id < 1 || id > MAX_ID) throw notFound(`"${raw.slice(0, 40)}" is not a data request id (a positive whole number).`);
  // Scoped to the shop: another shop's id is answered exactly like an id that does not exist.
  const report = await dataRequestReport(shop, id);
  if (!report) throw notFound(`No data request report ${id} in this shop.`);
  const customer = report.shopifyCustomerId.replace(/^.*\//, "").replace(/[^A-Za-z0-9_-]/g, "") || "unknown";
  return new Response(report.report, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="customer-${customer}-data-request-${report.id}.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
};
