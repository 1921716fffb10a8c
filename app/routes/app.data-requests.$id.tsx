// Download of a customer data report (customers/data_request webhook), as JSON.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireAdmin } from "../ui/admin.server";
import { dataRequestReport } from "../ui/log.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const id = z.coerce.number().int().positive().safeParse(params.id);
  const report = id.success ? await dataRequestReport(shop, id.data) : null;
  if (!report) throw new Response("Not found", { status: 404 });
  const customer = report.shopifyCustomerId.replace(/^.*\//, "");
  return new Response(report.report, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="customer-${customer}-data-request-${report.id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
