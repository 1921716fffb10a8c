import type { LoaderFunctionArgs } from "@remix-run/node";
import { Card, Page, Text } from "@shopify/polaris";
import { useI18n } from "../i18n";
import { requireAdmin } from "../ui/admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAdmin(request);
  return null;
};

export default function Home() {
  const { m } = useI18n();
  return (
    <Page title={m.home.title}>
      <Card>
        <Text as="p">{m.home.noRuns}</Text>
      </Card>
    </Page>
  );
}
