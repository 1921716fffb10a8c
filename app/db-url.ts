// One place that decides where the SQLite database lives, shared by the app, the Prisma CLI and the tools.
// DATABASE_URL wins; the default is prisma/dev.sqlite in the project (found by walking up from this module to the
// folder holding prisma/schema.prisma, so a production build under build/ finds it too; else the working directory).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "prisma", "schema.prisma"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv && fromEnv.trim()) return fromEnv.trim();
  return "file:" + path.join(projectRoot(), "prisma", "dev.sqlite");
}

/** The webhook inbox beside a database (app/webhooks/inbox.server.ts): `prisma/dev.sqlite` → `prisma/dev.inbox.sqlite`. */
export function inboxUrl(url = databaseUrl()): string {
  const file = url.replace(/^file:/, "");
  const p = path.parse(file);
  return "file:" + path.join(p.dir, `${p.name}.inbox${p.ext}`);
}
