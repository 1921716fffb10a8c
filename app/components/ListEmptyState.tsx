// What an index table shows when it has no rows: "no results" for a search or filter, else the list's own text.
import { Text } from "@shopify/polaris";

export function ListEmptyState({ text }: { text: string }) {
  return (
    <div style={{ padding: "var(--p-space-800)", textAlign: "center" }}>
      <Text as="p" tone="subdued">
        {text}
      </Text>
    </div>
  );
}
