// Large runs prepare thousands of SQLite statements (the driver adapter prepares one per query). Their native memory
// is freed only when V8 collects the small JS wrappers, and V8 does not see that memory, so it collects late: at
// 100,000 customers the process grew to ~850 MB while the JS heap stayed under 250 MB. A full collection every
// thousand customers keeps the peak flat for the cost of a few tens of milliseconds each: a page's objects (its
// customers, mirrors, statements and Prisma's work on them, ~10 MB) live long enough to leave the young generation,
// so only a full collection frees them.
//
// Prisma's debug module keeps the arguments of its last 100 calls even when debugging is off, and the driver adapter
// passes it every statement with its parameters: ~15 MB of a large run's past statements, held until replaced.
// Each collection empties that history first.
import { clearLogs } from "@prisma/debug";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === "function") return (collect = existing);
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/** Empty Prisma's debug history and ask for a full collection (no-op where the runtime does not allow it). */
export function reclaimMemory() {
  clearLogs();
  collector()?.();
}
