// Account invites for selected Shopify customers (spec §7.4): sent through Shopify, refusals logged with
// Shopify's message under shopifyUserError, and the rest still sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/app-harness";

let h: Harness;
const shop = "invite-shop.myshopify.com";

beforeAll(async () => {
  h = await startHarness({ name: "invites" });
  await h.addSession(shop);
});
afterAll(async () => {
  await h?.close();
});

describe("send account invites", () => {
  it("invites each selected customer once and logs Shopify's refusal for one without email", async () => {
    h.sim.setCustomer(shop, { id: "gid://shopify/Customer/801", firstName: "Ebba", lastName: "Lind", defaultEmailAddress: { emailAddress: "ebba@example.test" }, state: "DISABLED" });
    h.sim.setCustomer(shop, { id: "gid://shopify/Customer/802", firstName: "Nils", lastName: "Ek", defaultPhoneNumber: { phoneNumber: "+46701234567" }, state: "DISABLED" });
    const summary = await h.app.service.sync.sendInvites(shop, ["gid://shopify/Customer/801", "gid://shopify/Customer/802"], "manual");
    expect(summary.status).toBe("succeeded");
    expect(summary.counts).toMatchObject({ read: 2, skipped: 1 });
    const states = Object.fromEntries(h.sim.customers(shop).map((c: any) => [c.id, c.state]));
    expect(states).toEqual({ "gid://shopify/Customer/801": "INVITED", "gid://shopify/Customer/802": "DISABLED" });
    expect(h.sim.requests(shop).byOperation.customerSendAccountInviteEmail).toBe(2);
    const log = await h.app.prisma.syncLogEntry.findMany({ where: { shop, runId: summary.runId }, orderBy: { id: "asc" } });
    expect(log.map((l) => [l.shopifyCustomerId, l.level, l.code])).toEqual([
      ["gid://shopify/Customer/801", "info", "exported"],
      ["gid://shopify/Customer/802", "skip", "shopifyUserError"],
    ]);
    expect(log[1].message).toContain("Email can't be blank");
  });
});
