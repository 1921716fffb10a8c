// npm run worker: the app's background work — the persistent job queue (webhook work, syncs started from the app,
// orders) and the autoSync schedule — in a process of its own. Run the web server with JOB_WORKER=off beside it:
// a job's database work is synchronous, so in the web process it would hold webhook answers back; here it runs at a
// lower CPU priority and the web process answers at once. Any number of workers may run: jobs are claimed with a
// lock in the database, and one shop's keyed jobs run one at a time.
import os from "node:os";
import { parseArgs } from "node:util";
import { CliError, EXIT, databaseProblem, envProblem, isEntryPoint, runAsProcess, type CliIo } from "./shared";

export const WORKER_HELP = `Run the app's job queue and sync schedule in this process.

Usage:
  npm run worker                 run until Ctrl+C (running jobs finish first)
  npm run worker -- --nice 0     keep the normal CPU priority (default 10: the web server's answers come first;
                                 a negative value needs the = form: --nice=-5)

Start the web server with JOB_WORKER=off when a worker runs beside it (see README, Running in production).
`;

export async function main(argv: string[], io: CliIo, until: Promise<unknown> = new Promise(() => {})): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { nice: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }));
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${WORKER_HELP}`);
    return EXIT.failed;
  }
  if (values.help) {
    io.out(WORKER_HELP);
    return EXIT.ok;
  }
  try {
    const nice = values.nice === undefined ? 10 : Number(values.nice);
    if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw new CliError(`--nice must be a whole number from -20 to 19, not "${values.nice}".`);
    try {
      os.setPriority(nice);
    } catch {
      io.err(`Could not set the CPU priority to ${nice}; running at the normal priority.\n`);
    }
    // The database first: an unmigrated or unreachable one is said plainly, before the worker claims to run.
    const { default: prisma } = await import("../db.server");
    await prisma.job.count();
    await prisma.shopSettings.count();
    const { jobQueue } = await import("../sync/service.server");
    jobQueue({
      onFailure: (job, message, final) =>
        io.err(`Job ${job.id} (${job.kind}, ${job.shop}) failed, attempt ${job.attempts} of ${job.maxAttempts}${final ? ", given up" : ", retried later"}: ${message}\n`),
    });
    const { startBackgroundWork, stopBackgroundWork } = await import("../ui/worker.server");
    startBackgroundWork({ inThisProcess: true });
    // The queue's timers may all be idle between polls; this keeps the process up until it is stopped.
    const alive = setInterval(() => {}, 60_000);
    io.out(`Job worker running (process ${process.pid}, priority ${os.getPriority()}). Ctrl+C stops it once the running jobs are done.\n`);
    await until;
    clearInterval(alive);
    await stopBackgroundWork();
    io.out("Job worker stopped.\n");
    return EXIT.ok;
  } catch (e) {
    const message = e instanceof CliError ? e.message : (envProblem(e) ?? databaseProblem(e) ?? openProblem(e));
    if (!message) throw e;
    io.err(`${message}\n`);
    return EXIT.failed;
  }
}

/** The database file cannot be opened (its folder does not exist, no permission): one line, no stack trace. */
function openProblem(e: unknown): string | null {
  const m = String((e as Error)?.message ?? "");
  return /Cannot open database|unable to open database file/i.test(m) ? `Cannot open the app's database (DATABASE_URL): ${m.split("\n").pop()?.trim()}` : null;
}

if (isEntryPoint(import.meta.url)) runAsProcess(main);
