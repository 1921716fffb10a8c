// JSON for the ERP customer pickers: up to 20 customers whose number, name, email or city contains the text.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireAdmin } from "../ui/admin.server";
import { searchErpCustomers } from "../ui/erp.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  return json({ customers: await searchErpCustomers(shop, q.slice(0, 100)) });
};
