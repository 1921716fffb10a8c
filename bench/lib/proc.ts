// Small helpers for benchmark orchestration: child processes that print one JSON line, and statistics.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = path.resolve(BENCH_DIR, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
/** Extra Node flags for the app processes, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=tmp/prof" to profile. */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);

/** Start a tsx script and resolve with the first JSON line it prints (the process keeps running). */
export function startJsonChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; first: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [...NODE_FLAGS, script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", (line) => {
      try {
        resolve({ child, first: JSON.parse(line) });
      } catch (e) {
        reject(new Error(`bad first line from ${script}: ${line}`));
      }
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

/** Run a tsx script to completion and return the last JSON line it printed. */
export function runJsonChild(script: string, env: Record<string, string>, args: string[] = []): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [...NODE_FLAGS, script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let last = "";
    createInterface({ input: child.stdout! }).on("line", (l) => {
      if (l.trim().startsWith("{")) last = l;
    });
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result`));
      }
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
