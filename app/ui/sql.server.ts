// Small helpers for the list pages' raw SQL (filters that join the mirror, the log and the ERP master, which
// Prisma's query API cannot express without loading id lists into memory).
import { Prisma } from "@prisma/client";

/** A LIKE pattern that finds `text` anywhere, with %, _ and \ in the text taken literally (use with ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

/** `(a LIKE p ESCAPE '\' OR b LIKE p ESCAPE '\' …)` over trusted column expressions. */
export function anyColumnContains(columns: string[], text: string): Prisma.Sql {
  const p = containsPattern(text);
  return Prisma.sql`(${Prisma.join(columns.map((c) => Prisma.sql`${Prisma.raw(c)} LIKE ${p} ESCAPE '\\'`), " OR ")})`;
}

export function and(parts: Prisma.Sql[]): Prisma.Sql {
  return Prisma.join(parts, " AND ");
}

export const toNumber = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));
export const toBool = (v: unknown) => v === true || v === 1 || v === 1n || v === "1" || v === "true";
