// Build the app once for all browser test files (skipped when the build is newer than its sources).
import { existsSync } from "node:fs";
import { BUILD_DIR, CHROMIUM } from "./support";

export default async function setup() {
  if (!existsSync(CHROMIUM)) return;
  const { ensureBuild } = await import("../../scripts/demo");
  const t0 = Date.now();
  ensureBuild(BUILD_DIR, { quiet: true });
  console.log(`App build ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${BUILD_DIR})`);
}
