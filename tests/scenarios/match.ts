// Expectation matching exactly as ../shared/scenarios/FORMAT.md defines it.
export interface MatchContext {
  /** Customer numbers present in the setup or given by erp.setCustomer steps ("$new" must be none of them). */
  knownNos: Set<string>;
}

const collapse = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false && false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

function isOp(e: any, key: string) {
  return e !== null && typeof e === "object" && !Array.isArray(e) && key in e;
}

/** Returns a list of differences (empty = match). */
export function matchValue(expected: any, actual: any, path: string, ctx: MatchContext): string[] {
  if (expected === "$new") {
    if (typeof actual !== "string" || !actual) return [`${path}: expected a new customer number, got ${JSON.stringify(actual)}`];
    if (ctx.knownNos.has(actual)) return [`${path}: expected a new customer number, got the existing ${actual}`];
    return [];
  }
  if (isOp(expected, "$absent")) {
    const empty = isEmpty(actual);
    if (expected.$absent && !empty) return [`${path}: expected absent/empty, got ${JSON.stringify(actual)}`];
    if (!expected.$absent && empty) return [`${path}: expected a value, got ${JSON.stringify(actual)}`];
    return [];
  }
  if (isOp(expected, "$ne")) {
    return JSON.stringify(actual) === JSON.stringify(expected.$ne) ? [`${path}: expected anything but ${JSON.stringify(expected.$ne)}`] : [];
  }
  if (isOp(expected, "$ci")) {
    return typeof actual === "string" && collapse(actual) === collapse(String(expected.$ci))
      ? []
      : [`${path}: expected ~${JSON.stringify(expected.$ci)} (case/space-insensitive), got ${JSON.stringify(actual)}`];
  }
  if (isOp(expected, "$count") || isOp(expected, "$items") || isOp(expected, "$none")) {
    const arr: any[] = Array.isArray(actual) ? actual : [];
    const diffs: string[] = [];
    if ("$count" in expected && arr.length !== expected.$count) diffs.push(`${path}: expected ${expected.$count} elements, got ${arr.length}`);
    if (expected.$items) diffs.push(...matchArray(expected.$items, arr, path, ctx));
    if (expected.$none) {
      for (const forbidden of expected.$none) {
        const hit = arr.findIndex((a) => matchValue(forbidden, a, path, ctx).length === 0);
        if (hit >= 0) diffs.push(`${path}[${hit}]: matches a forbidden element ${JSON.stringify(forbidden)}`);
      }
    }
    return diffs;
  }
  if (Array.isArray(expected)) return matchArray(expected, Array.isArray(actual) ? actual : [], path, ctx);
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.keys(expected).flatMap((k) => matchValue(expected[k], actual[k], `${path}.${k}`, ctx));
  }
  if (expected === actual) return [];
  return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Each expected element must match a different actual element (order free, extras allowed). */
function matchArray(expected: any[], actual: any[], path: string, ctx: MatchContext): string[] {
  const fits = expected.map((e) => actual.map((a) => matchValue(e, a, path, ctx).length === 0));
  const used = new Array(actual.length).fill(false);
  const assign = new Array(expected.length).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < actual.length; j++) {
      if (!fits[i][j] || seen[j]) continue;
      seen[j] = true;
      const owner = used[j] === false ? -1 : (used[j] as number);
      if (owner === -1 || tryAssign(owner, seen)) {
        used[j] = i as any;
        assign[i] = j;
        return true;
      }
    }
    return false;
  };
  const diffs: string[] = [];
  expected.forEach((e, i) => {
    if (!tryAssign(i, new Array(actual.length).fill(false))) {
      // Explain with the closest actual element.
      let best: string[] | null = null;
      for (const a of actual) {
        const d = matchValue(e, a, `${path}[?]`, ctx);
        if (!best || d.length < best.length) best = d;
      }
      diffs.push(`${path}: no element matches ${JSON.stringify(e)}${best ? `\n      closest: ${best.join("; ")}` : " (array is empty)"}`);
    }
  });
  return diffs;
}
