// One place that decides where the SQLite database lives, shared by the app, the Prisma CLI and the tools.
// DATABASE_URL wins; the default is prisma/dev.sqlite inside the project.
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv && fromEnv.trim()) return fromEnv.trim();
  return "file:" + path.join(projectRoot, "prisma", "dev.sqlite");
}
