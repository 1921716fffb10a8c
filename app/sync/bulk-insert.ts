// Multi-row INSERTs through Prisma's raw statements, for the sync's set-based writes: one statement per few
// hundred rows instead of Prisma's per-row query building, inside the same transaction as everything else.
// Values are encoded the way Prisma stores them in SQLite (DateTime as ISO text with +00:00, Boolean as 0/1).
import type { Prisma, PrismaClient } from "@prisma/client";

const MAX_VARIABLES = 4_000;

/** A DateTime as Prisma stores it in SQLite. */
export function sqliteDate(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

function encode(v: unknown): unknown {
  if (v instanceof Date) return sqliteDate(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
}

export function insertMany(db: PrismaClient, table: string, rows: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): Prisma.PrismaPromise<number>[] {
  if (!rows.length) return [];
  const columns = [...Object.keys(rows[0]), ...Object.keys(extra).filter((k) => !(k in rows[0]))];
  const perStatement = Math.max(1, Math.floor(MAX_VARIABLES / columns.length));
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const out: Prisma.PrismaPromise<number>[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const r of part) for (const c of columns) params.push(encode(c in r ? r[c] : extra[c]));
    out.push(db.$executeRawUnsafe(head + part.map(() => tuple).join(", "), ...params));
  }
  return out;
}

/** DELETE FROM table WHERE shop = ? AND column IN (...), in statements of at most a few thousand values. */
export function deleteWhereIn(db: PrismaClient, table: string, shop: string, column: string, values: string[]): Prisma.PrismaPromise<number>[] {
  const out: Prisma.PrismaPromise<number>[] = [];
  const per = MAX_VARIABLES - 1;
  for (let i = 0; i < values.length; i += per) {
    const part = values.slice(i, i + per);
    out.push(db.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "shop" = ? AND "${column}" IN (${part.map(() => "?").join(", ")})`, shop, ...part));
  }
  return out;
}
