// Status badges shared by the pages, in the merchant's words.
import { Badge } from "@shopify/polaris";
import { useI18n } from "../i18n";

export function RunStatusBadge({ status }: { status: string }) {
  const { m } = useI18n();
  const tone = status === "succeeded" ? "success" : status === "failed" ? "critical" : status === "completedWithErrors" ? "warning" : "info";
  return <Badge tone={tone} progress={status === "running" ? "partiallyComplete" : "complete"}>{m.runStatus[status] ?? status}</Badge>;
}

export function LevelBadge({ level }: { level: string }) {
  const { m } = useI18n();
  const tone = level === "error" ? "critical" : level === "warning" ? "warning" : level === "skip" ? "attention" : "info";
  return <Badge tone={tone}>{m.log.levels[level] ?? level}</Badge>;
}

export function LinkSourceBadge({ source }: { source: string }) {
  const { m } = useI18n();
  if (!source) return null;
  const tone = source === "manual" ? "magic" : source === "created" ? "success" : source === "exported" ? "info" : undefined;
  return <Badge tone={tone}>{m.linkSource[source] ?? source}</Badge>;
}
