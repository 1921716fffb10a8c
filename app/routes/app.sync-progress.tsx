// JSON for the live progress of a background sync: the job's state and the counts of the run it started.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { requireAdmin } from "../ui/admin.server";
import { syncProgress } from "../ui/progress.server";

const query = z.object({ job: z.coerce.number().int().positive() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return json({ error: "job is required" }, { status: 400 });
  const progress = await syncProgress(shop, parsed.data.job);
  if (!progress) return json({ error: "not found" }, { status: 404 });
  return json(progress, { headers: { "Cache-Control": "no-store" } });
};
