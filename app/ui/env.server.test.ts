import { afterEach, describe, expect, it, vi } from "vitest";

const load = async (value: string | undefined) => {
  vi.resetModules();
  if (value === undefined) delete process.env.JOB_WORKER;
  else process.env.JOB_WORKER = value;
  return (await import("./env.server")).uiEnv;
};
afterEach(() => {
  delete process.env.JOB_WORKER;
});

describe("JOB_WORKER", () => {
  it("is on unless set; off and on in any case and with spaces", async () => {
    expect((await load(undefined))().JOB_WORKER).toBe("on");
    expect((await load("OFF"))().JOB_WORKER).toBe("off");
    expect((await load(" On "))().JOB_WORKER).toBe("on");
  });
  it("anything else is the app's environment error, in one readable line", async () => {
    const uiEnv = await load("bogus");
    expect(() => uiEnv()).toThrow('The app\'s environment is not valid:\n  - JOB_WORKER: must be "on" or "off"');
  });
});
