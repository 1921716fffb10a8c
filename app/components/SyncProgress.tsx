// Live progress of a sync running in the background: polls /app/sync-progress until the job ends, then reports
// the finished run once through onDone.
import { useEffect, useRef } from "react";
import { useFetcher } from "@remix-run/react";
import { BlockStack, Card, InlineStack, ProgressBar, Spinner, Text } from "@shopify/polaris";
import { useI18n } from "../i18n";
import type { SyncProgress as Progress } from "../ui/progress.server";

export function SyncProgress({ jobId, onDone, intervalMs = 1000 }: { jobId: number; onDone(p: Progress): void; intervalMs?: number }) {
  const { m, fmt, number } = useI18n();
  const fetcher = useFetcher<Progress>();
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  const reported = useRef<number | null>(null);

  useEffect(() => {
    const url = `/app/sync-progress?job=${jobId}`;
    load.current(url);
    const t = setInterval(() => load.current(url), intervalMs);
    return () => clearInterval(t);
  }, [jobId, intervalMs]);

  const p = fetcher.data && "jobId" in fetcher.data && fetcher.data.jobId === jobId ? fetcher.data : null;
  useEffect(() => {
    if (p?.done && reported.current !== jobId) {
      reported.current = jobId;
      onDone(p);
    }
  }, [p, jobId, onDone]);

  const run = p?.run;
  const total = run?.total ?? 0;
  const pct = run ? (run.status !== "running" ? 100 : total > 0 ? Math.min(100, Math.round((run.read / total) * 100)) : 0) : 0;
  const counts = run
    ? fmt(total > 0 ? m.home.progressCounts : m.home.progressCountsNoTotal, {
        read: number(run.read), total: number(total), created: number(run.created), updated: number(run.updated), skipped: number(run.skipped),
      })
    : m.home.progressWaiting;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Spinner size="small" accessibilityLabel={m.home.progressTitle} />
          <Text as="h2" variant="headingMd">
            {m.home.progressTitle}
          </Text>
        </InlineStack>
        <div data-testid="sync-progress" data-read={run?.read ?? 0} data-total={total}>
          <ProgressBar progress={pct} tone="primary" ariaLabelledBy="sync-progress-text" />
        </div>
        <Text as="p" tone="subdued" id="sync-progress-text">
          {counts}
        </Text>
      </BlockStack>
    </Card>
  );
}
