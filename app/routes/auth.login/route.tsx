// Opening the app outside Shopify admin: ask for the shop domain and start Shopify's login for it.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { login } from "../../shopify.server";

type LoginErrors = { shop?: string };

function messages(errors: Record<string, unknown> | undefined): LoginErrors {
  if (!errors?.shop) return {};
  return { shop: errors.shop === "MISSING_SHOP" ? "Enter your shop domain to log in." : "Enter a valid shop domain, like my-shop.myshopify.com." };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const errors = messages((await login(request)) as Record<string, unknown>);
  return json({ errors });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const errors = messages((await login(request)) as Record<string, unknown>);
  return json({ errors });
};

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const errors = actionData?.errors ?? loaderData.errors;
  return (
    <AppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h1">
                Customer Sync
              </Text>
              <Text as="p">This app runs inside Shopify admin. To open it, log in with your shop.</Text>
              <TextField type="text" name="shop" label="Shop domain" helpText="example.myshopify.com" value={shop} onChange={setShop} autoComplete="on" error={errors.shop} />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
