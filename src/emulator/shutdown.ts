// Keeps an emulator running until SIGINT/SIGTERM, then closes it gracefully and exits: 0 when everything
// accepted ran, EXIT_DEAD_LETTERED when Event invocations were written to the dead-letter file instead.
import type { Emulator, ShutdownSummary } from './server.js';

/**
 * Exit status of a shutdown that left accepted Event invocations unrun (written to the dead-letter file,
 * or to the log when the file could not be written): EX_TEMPFAIL, "try again later".
 */
export const EXIT_DEAD_LETTERED = 75;

/** The exit status a shutdown with this summary ends with. */
export function exitCodeOf(summary: ShutdownSummary | undefined): number {
  return summary !== undefined && summary.deadLettered > 0 ? EXIT_DEAD_LETTERED : 0;
}

export function closeOnSignal(
  emulator: Pick<Emulator, 'close' | 'pids'>,
  log: (line: string) => void = (l) => process.stderr.write(l),
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // One shutdown per process: a Ctrl-C under `npm start` arrives twice (the terminal signals the
    // whole process group and npm forwards it again), and a second default SIGINT would kill us
    // mid-shutdown with status 130. The grace period bounds how long the shutdown can take.
    if (stopping) return;
    stopping = true;
    log(`lambda-ml: ${signal} received, finishing in-flight calls and queued events, stopping instances\n`);
    emulator.close().then(
      (summary) => {
        const code = exitCodeOf(summary);
        if (code !== 0) {
          const where = summary.deadLetterFile ?? 'the log (the dead-letter file could not be written)';
          log(
            `lambda-ml: ${summary.deadLettered} Event invocation(s) did not run; written to ${where}; exit status ${code}\n`,
          );
        }
        // One turn first: the log writer batches lines for one event-loop turn.
        setImmediate(() => process.exit(code));
      },
      (error: unknown) => {
        log(`lambda-ml: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Last resort if we die another way (uncaught error): instances run in their own process groups,
  // so nothing else would stop them.
  process.once('exit', () => {
    for (const pid of emulator.pids()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

/**
 * The line printed once the emulator listens. It names the `function` path (what aws-lambda-rie and the
 * README's curl use; every lambda-ml command prints the same one) and the configured name, also accepted.
 */
export function banner(emulator: Emulator, functionName: string): string {
  const also = functionName === 'function' ? '' : ` or /functions/${functionName}/`;
  return `lambda-ml emulator listening on ${emulator.url} (POST /2015-03-31/functions/function/invocations${also})\n`;
}
