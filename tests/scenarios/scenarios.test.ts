// Every shared scenario (../shared/scenarios) and the project's own (tests/scenarios/files) through the real engine.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startHarness, type Harness } from "../support/app-harness";
import { runScenarioFile } from "./runner";

const folders = [path.resolve(ROOT, "../shared/scenarios"), path.join(ROOT, "tests/scenarios/files")].filter((d) => existsSync(d));
const files = folders.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(d, f)));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ name: "scenario-test" });
});
afterAll(async () => {
  await h?.close();
});

describe("scenarios", () => {
  it("finds scenario files", () => {
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
