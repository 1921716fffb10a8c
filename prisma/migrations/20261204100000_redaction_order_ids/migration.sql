-- The orders a customer redaction covered (Shopify's orders_to_redact and the customer's guest orders), as
-- " gid gid ", so that a late delivery of one of them stores it without the customer's data.
ALTER TABLE "Redaction" ADD COLUMN "orderIds" TEXT NOT NULL DEFAULT '';
CREATE INDEX "Redaction_shop_shopifyCustomerId_idx" ON "Redaction"("shop", "shopifyCustomerId");
