-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "customerImport" TEXT NOT NULL DEFAULT 'withOrderImport',
    "customerMappingType" TEXT NOT NULL DEFAULT 'byEmailPhone',
    "shopifyCanUpdateCustomers" BOOLEAN NOT NULL DEFAULT false,
    "autoCreateUnknownCustomers" BOOLEAN NOT NULL DEFAULT false,
    "customerTemplateCode" TEXT NOT NULL DEFAULT '',
    "defaultCustomerNo" TEXT NOT NULL DEFAULT '',
    "canUpdateShopifyCustomers" BOOLEAN NOT NULL DEFAULT false,
    "nameSource" TEXT NOT NULL DEFAULT 'companyName',
    "name2Source" TEXT NOT NULL DEFAULT 'firstAndLastName',
    "contactSource" TEXT NOT NULL DEFAULT 'firstAndLastName',
    "countySource" TEXT NOT NULL DEFAULT 'code',
    "createCustomersWithoutAddress" BOOLEAN NOT NULL DEFAULT false,
    "autoSync" TEXT NOT NULL DEFAULT 'off',
    "customerWatermark" DATETIME,
    "orderWatermark" DATETIME,
    "authRequired" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CompanyInformation" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL DEFAULT '',
    "countryCode" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "NumberSeries" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "prefix" TEXT NOT NULL DEFAULT 'C',
    "next" INTEGER NOT NULL DEFAULT 1,
    "width" INTEGER NOT NULL DEFAULT 5
);

-- CreateTable
CREATE TABLE "ErpCountry" (
    "shop" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "isoCode" TEXT NOT NULL DEFAULT '',
    "name" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shop", "code")
);

-- CreateTable
CREATE TABLE "CustomerTemplate" (
    "shop" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "genBusPostingGroup" TEXT NOT NULL DEFAULT '',
    "customerPostingGroup" TEXT NOT NULL DEFAULT '',
    "vatBusPostingGroup" TEXT NOT NULL DEFAULT '',
    "paymentTermsCode" TEXT NOT NULL DEFAULT '',
    "taxAreaCode" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shop", "code")
);

-- CreateTable
CREATE TABLE "ErpCustomer" (
    "shop" TEXT NOT NULL,
    "no" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "name2" TEXT NOT NULL DEFAULT '',
    "contact" TEXT NOT NULL DEFAULT '',
    "address" TEXT NOT NULL DEFAULT '',
    "address2" TEXT NOT NULL DEFAULT '',
    "postCode" TEXT NOT NULL DEFAULT '',
    "city" TEXT NOT NULL DEFAULT '',
    "county" TEXT NOT NULL DEFAULT '',
    "countryCode" TEXT NOT NULL DEFAULT '',
    "phoneNo" TEXT NOT NULL DEFAULT '',
    "email" TEXT NOT NULL DEFAULT '',
    "templateCode" TEXT NOT NULL DEFAULT '',
    "genBusPostingGroup" TEXT NOT NULL DEFAULT '',
    "customerPostingGroup" TEXT NOT NULL DEFAULT '',
    "vatBusPostingGroup" TEXT NOT NULL DEFAULT '',
    "paymentTermsCode" TEXT NOT NULL DEFAULT '',
    "taxAreaCode" TEXT NOT NULL DEFAULT '',
    "taxLiable" BOOLEAN NOT NULL DEFAULT false,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "no")
);

-- CreateTable
CREATE TABLE "CountrySetup" (
    "shop" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "customerTemplateCode" TEXT NOT NULL DEFAULT '',
    "defaultCustomerNo" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shop", "countryCode")
);

-- CreateTable
CREATE TABLE "TaxArea" (
    "shop" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "county" TEXT NOT NULL,
    "countyCode" TEXT NOT NULL DEFAULT '',
    "taxAreaCode" TEXT NOT NULL DEFAULT '',
    "taxLiable" BOOLEAN NOT NULL DEFAULT false,
    "vatBusPostingGroup" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shop", "countryCode", "county")
);

-- CreateTable
CREATE TABLE "MirrorCustomer" (
    "shop" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "firstName" TEXT NOT NULL DEFAULT '',
    "lastName" TEXT NOT NULL DEFAULT '',
    "email" TEXT NOT NULL DEFAULT '',
    "phone" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT '',
    "note" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '',
    "taxExempt" BOOLEAN NOT NULL DEFAULT false,
    "verifiedEmail" BOOLEAN NOT NULL DEFAULT false,
    "emailMarketingState" TEXT NOT NULL DEFAULT '',
    "defaultAddressId" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME,
    "updatedAt" DATETIME,
    "contentHash" TEXT NOT NULL DEFAULT '',
    "lastWrittenByApp" DATETIME,
    "lastWrittenHash" TEXT NOT NULL DEFAULT '',
    "erpCustomerNo" TEXT NOT NULL DEFAULT '',
    "linkSource" TEXT NOT NULL DEFAULT '',
    "deletedInShopify" BOOLEAN NOT NULL DEFAULT false,
    "needsMatch" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT '',
    "statusReason" TEXT NOT NULL DEFAULT '',
    "exportHash" TEXT NOT NULL DEFAULT '',
    "mirroredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "shopifyId")
);

-- CreateTable
CREATE TABLE "MirrorAddress" (
    "shop" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "customerShopifyId" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "company" TEXT NOT NULL DEFAULT '',
    "firstName" TEXT NOT NULL DEFAULT '',
    "lastName" TEXT NOT NULL DEFAULT '',
    "address1" TEXT NOT NULL DEFAULT '',
    "address2" TEXT NOT NULL DEFAULT '',
    "zip" TEXT NOT NULL DEFAULT '',
    "city" TEXT NOT NULL DEFAULT '',
    "countryCode" TEXT NOT NULL DEFAULT '',
    "countryName" TEXT NOT NULL DEFAULT '',
    "provinceCode" TEXT NOT NULL DEFAULT '',
    "provinceName" TEXT NOT NULL DEFAULT '',
    "phone" TEXT NOT NULL DEFAULT '',
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "erpCustomerNo" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shop", "shopifyId")
);

-- CreateTable
CREATE TABLE "ImportedOrder" (
    "shop" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "email" TEXT NOT NULL DEFAULT '',
    "phone" TEXT NOT NULL DEFAULT '',
    "shopifyCustomerId" TEXT NOT NULL DEFAULT '',
    "sellTo" TEXT NOT NULL DEFAULT '{}',
    "shipTo" TEXT NOT NULL DEFAULT '{}',
    "billTo" TEXT NOT NULL DEFAULT '{}',
    "sellToCustomerNo" TEXT NOT NULL DEFAULT '',
    "billToCustomerNo" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "manual" BOOLEAN NOT NULL DEFAULT false,
    "orderCreatedAt" DATETIME,
    "orderUpdatedAt" DATETIME,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "shopifyId")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "total" INTEGER NOT NULL DEFAULT 0,
    "read" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "linked" INTEGER NOT NULL DEFAULT 0,
    "exported" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "SyncLogEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "runId" INTEGER,
    "level" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "shopifyCustomerId" TEXT NOT NULL DEFAULT '',
    "erpCustomerNo" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "topic" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'received'
);

-- CreateTable
CREATE TABLE "Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL DEFAULT '',
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedAt" DATETIME,
    "lockedBy" TEXT NOT NULL DEFAULT '',
    "lastError" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shopifyCustomerId" TEXT NOT NULL,
    "report" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Redaction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shopifyCustomerId" TEXT NOT NULL,
    "erpCustomerNo" TEXT NOT NULL DEFAULT '',
    "rowsDeleted" INTEGER NOT NULL DEFAULT 0,
    "redactedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ExportAttempt" (
    "shop" TEXT NOT NULL,
    "erpCustomerNo" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT NOT NULL DEFAULT '',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "erpCustomerNo")
);

-- CreateIndex
CREATE INDEX "MirrorCustomer_shop_erpCustomerNo_idx" ON "MirrorCustomer"("shop", "erpCustomerNo");

-- CreateIndex
CREATE INDEX "MirrorCustomer_shop_needsMatch_idx" ON "MirrorCustomer"("shop", "needsMatch");

-- CreateIndex
CREATE INDEX "MirrorAddress_shop_customerShopifyId_idx" ON "MirrorAddress"("shop", "customerShopifyId");

-- CreateIndex
CREATE INDEX "ImportedOrder_shop_status_idx" ON "ImportedOrder"("shop", "status");

-- CreateIndex
CREATE INDEX "SyncRun_shop_startedAt_idx" ON "SyncRun"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "SyncLogEntry_shop_runId_idx" ON "SyncLogEntry"("shop", "runId");

-- CreateIndex
CREATE INDEX "SyncLogEntry_shop_code_idx" ON "SyncLogEntry"("shop", "code");

-- CreateIndex
CREATE INDEX "SyncLogEntry_shop_shopifyCustomerId_idx" ON "SyncLogEntry"("shop", "shopifyCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_webhookId_key" ON "WebhookReceipt"("webhookId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_shop_topic_eventId_key" ON "WebhookReceipt"("shop", "topic", "eventId");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_shop_key_status_idx" ON "Job"("shop", "key", "status");

-- CreateIndex
CREATE INDEX "DataRequest_shop_idx" ON "DataRequest"("shop");

-- CreateIndex
CREATE INDEX "Redaction_shop_idx" ON "Redaction"("shop");

