// Previous / next for list pages whose page number lives in the URL (?page=), with "1–50 of 312".
import { InlineStack, Pagination, Text } from "@shopify/polaris";
import { useSearchParams } from "@remix-run/react";
import { useI18n } from "../i18n";

export function ListPagination({ page, pageSize, total }: { page: number; pageSize: number; total: number }) {
  const { m, fmt, number } = useI18n();
  const [params, setParams] = useSearchParams();
  const go = (p: number) => {
    const next = new URLSearchParams(params);
    if (p <= 1) next.delete("page");
    else next.set("page", String(p));
    setParams(next);
  };
  if (total === 0) return null;
  const from = (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <InlineStack align="center" blockAlign="center" gap="400">
      <Pagination
        hasPrevious={page > 1}
        onPrevious={() => go(page - 1)}
        hasNext={to < total}
        onNext={() => go(page + 1)}
        accessibilityLabels={{ previous: m.common.previous, next: m.common.next }}
      />
      <Text as="span" tone="subdued">
        {fmt(m.common.showing, { from: number(from), to: number(to), total: number(total) })}
      </Text>
    </InlineStack>
  );
}
