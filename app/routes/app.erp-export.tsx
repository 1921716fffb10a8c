// The ERP customer master as a CSV file (UTF-8 with BOM and `;` for Excel in Swedish, `,` otherwise).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import prisma from "../db.server";
import { exportErpCsv } from "../erp/csv";
import { requireAdmin } from "../ui/admin.server";

const query = z.object({ delimiter: z.enum([",", ";"]).catch(",") });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const { delimiter } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const csv = await exportErpCsv(prisma, shop, { bom: true, delimiter });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="erp-customers-${date}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
