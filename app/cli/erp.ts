// npm run erp -- import <file> [--shop <domain>] [--skip-bad-rows]
// npm run erp -- export <file> [--shop <domain>] [--bom] [--semicolon]
// The ERP customer master in and out as CSV (app/erp/csv.ts), for a merchant's spreadsheet or another ERP.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CliError, EXIT, databaseProblem, isEntryPoint, runAsProcess, shopFrom, type CliIo } from "./shared";

export const ERP_HELP = `Import or export the ERP customer master as CSV.

Usage:
  npm run erp -- import <file.csv> [--shop <store>.myshopify.com] [--skip-bad-rows]
  npm run erp -- export <file.csv> [--shop <store>.myshopify.com] [--bom] [--semicolon]

Import reads UTF-8 (with or without BOM), separated by ; or , (taken from the header line). The header names
the columns, in any case: no (required), name, name2, contact, address, address2, postCode, city, county,
countryCode, phoneNo, email, templateCode, genBusPostingGroup, customerPostingGroup, vatBusPostingGroup,
paymentTermsCode, taxAreaCode, taxLiable, blocked. Columns left out are not changed on existing customers.
By default nothing is written when any row is bad; --skip-bad-rows writes the good rows and lists the bad ones.

Export writes every column (use - as the file to print to the screen); --bom helps Excel open it as UTF-8,
--semicolon separates with ; for Excel in locales with a decimal comma.

The shop defaults to the SHOP environment variable.

Exit codes: 0 done; 1 nothing done (bad arguments, unknown shop, missing or bad file);
            2 imported with --skip-bad-rows, but some rows were bad and skipped.
`;

const MAX_LISTED = 20;

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    const message = e instanceof CliError ? e.message : databaseProblem(e);
    if (message) {
      io.err(`${message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${ERP_HELP}`);
  }
  if (args.values.help) {
    io.out(ERP_HELP);
    return EXIT.ok;
  }
  const [command, file, ...rest] = args.positionals;
  if (!command) throw new CliError(ERP_HELP);
  if (command !== "import" && command !== "export") throw new CliError(`Unknown command "${command}": use import or export.\n\n${ERP_HELP}`);
  if (!file) throw new CliError(`Which file? npm run erp -- ${command} <file.csv>`);
  if (rest.length) throw new CliError(`Unexpected argument "${rest[0]}".`);
  const shop = shopFrom(args.values.shop, io);

  if (command === "import") {
    if (!existsSync(file)) throw new CliError(`No such file: ${file}`);
    if (statSync(file).isDirectory()) throw new CliError(`${file} is a folder, not a CSV file.`);
  }

  const { default: prisma } = await import("../db.server");
  if (!(await shopIsKnown(prisma, shop))) {
    throw new CliError(`Unknown shop ${shop}: the app has no session, settings or customers for it. Check the domain, or open the app in Shopify admin once, or against npm run simulator add --connect-simulator (see README, Command line).`);
  }
  const csv = await import("../erp/csv");

  if (command === "export") {
    const text = await csv.exportErpCsv(prisma, shop, { bom: args.values.bom, delimiter: args.values.semicolon ? ";" : "," });
    const count = await prisma.erpCustomer.count({ where: { shop } });
    if (file === "-") {
      io.out(text);
      return EXIT.ok;
    }
    const dir = path.dirname(path.resolve(file));
    if (!existsSync(dir)) throw new CliError(`Cannot write ${file}: the folder ${dir} does not exist.`);
    try {
      writeFileSync(file, text, "utf8");
    } catch (e) {
      throw new CliError(`Cannot write ${file}: ${(e as Error).message}`);
    }
    io.out(`Exported ${count} ERP customer${count === 1 ? "" : "s"} of ${shop} to ${file}.\n`);
    return EXIT.ok;
  }

  const bytes = readFileSync(file);
  const skipBadRows = Boolean(args.values["skip-bad-rows"]);
  const r = await csv.importErpCsv(prisma, shop, bytes, { skipBadRows });
  const listErrors = () => {
    for (const e of r.errors.slice(0, MAX_LISTED)) io.err(`  line ${e.line}: ${e.message}\n`);
    if (r.errors.length > MAX_LISTED) io.err(`  … and ${r.errors.length - MAX_LISTED} more.\n`);
  };
  if (r.errors.length && r.imported === 0) {
    const fileLevel = r.errors.length === 1 && r.errors[0].line === 1;
    io.err(`${file} was not imported${fileLevel ? "" : `: ${r.errors.length} bad row${r.errors.length === 1 ? "" : "s"}`}. Nothing was written.\n`);
    listErrors();
    if (!skipBadRows && !fileLevel) io.err(`Fix the rows and import again, or use --skip-bad-rows to import the good rows only.\n`);
    return EXIT.failed;
  }
  io.out(`Imported ${r.imported} ERP customer${r.imported === 1 ? "" : "s"} into ${shop}: ${r.created} created, ${r.updated} updated.\n`);
  if (r.errors.length) {
    io.err(`Skipped ${r.errors.length} bad row${r.errors.length === 1 ? "" : "s"}:\n`);
    listErrors();
    return EXIT.completedWithErrors;
  }
  return EXIT.ok;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      shop: { type: "string" },
      "skip-bad-rows": { type: "boolean" },
      bom: { type: "boolean" },
      semicolon: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** A shop the app knows: it has a session, settings, company information or ERP customers (guards against typos). */
async function shopIsKnown(prisma: import("@prisma/client").PrismaClient, shop: string): Promise<boolean> {
  const [session, settings, company, customer] = await Promise.all([
    prisma.session.findFirst({ where: { shop }, select: { id: true } }),
    prisma.shopSettings.findUnique({ where: { shop }, select: { shop: true } }),
    prisma.companyInformation.findUnique({ where: { shop }, select: { shop: true } }),
    prisma.erpCustomer.findFirst({ where: { shop }, select: { no: true } }),
  ]);
  return Boolean(session || settings || company || customer);
}

if (isEntryPoint(import.meta.url)) runAsProcess(main);
