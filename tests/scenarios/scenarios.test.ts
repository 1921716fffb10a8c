// Every shared scenario (../shared/scenarios) and the project's own (tests/scenarios/files) through the real engine.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startHarness, type Harness } from "../support/app-harness";
import { runScenarioFile } from "./runner";

// The shared scenarios are part of the contract: their folder missing is a failure, not fewer tests.
const SHARED = path.resolve(ROOT, "../shared/scenarios");
const folders = [SHARED, path.join(ROOT, "tests/scenarios/files")];
const files = folders.filter((d) => existsSync(d)).flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(d, f)));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ name: "scenario-test" });
});
afterAll(async () => {
  await h?.close();
});

describe("scenarios", () => {
  it("finds the shared scenarios (../shared/scenarios) and the project's own", () => {
    expect(existsSync(SHARED), `${SHARED} is missing: the shared scenarios live next to the project`).toBe(true);
    expect(files.filter((f) => f.startsWith(SHARED)).length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(path.basename(file), async () => {
      const r = await runScenarioFile(h, file);
      expect(r.pending, `steps not built yet: ${r.pending.join(", ")}`).toEqual([]);
      expect(r.error ?? null, r.error).toBeNull();
      expect(r.diffs).toEqual([]);
    });
  }
});
