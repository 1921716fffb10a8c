// The app modules a harness drives, loaded after the environment is set.
export { default as prisma } from "../../app/db.server";
export { closeDirectConnections } from "../../app/db.server";
export { default as shopify } from "../../app/shopify.server";
export * as service from "../../app/sync/service.server";
export * as webhookRoute from "../../app/routes/webhooks";
export * as webhookHttp from "../../app/webhooks/node-http.server";
export * as inbox from "../../app/webhooks/inbox.server";
export * as privacy from "../../app/sync/privacy";
export * as settings from "../../app/sync/settings";
export * as master from "../../app/erp/master";
export * as mirror from "../../app/sync/mirror";
export * as adapters from "../../app/shopify/adapters";
export * as worker from "../../app/ui/worker.server";
export * as home from "../../app/ui/home.server";
export * as webhooks from "../../app/sync/webhooks";
export * as jobs from "../../app/ui/jobs.server";
