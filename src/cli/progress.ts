// A rows progress bar with rows/s and ETA on a terminal (stderr); silent when stderr is not a terminal.
import type { SingleBar } from 'cli-progress';

export interface RowsProgress {
  /** `count` is the bar's second counter (retries, failed rows); `total` moves the end when it grows. */
  update(rows: number, count: number, total?: number): void;
  stop(): void;
}

const SILENT: RowsProgress = { update: () => {}, stop: () => {} };

/** `total` null (stdin): no bar, since neither a share nor an ETA can be known. */
export async function progressBar(
  total: number | null,
  counter = 'retries',
  stream: NodeJS.WriteStream = process.stderr,
): Promise<RowsProgress> {
  if (!stream.isTTY || total === null || total === 0) return SILENT;
  // Imported lazily: the CLI's start-up does not pay for it.
  const { Presets, SingleBar: Bar } = await import('cli-progress');
  const bar: SingleBar = new Bar(
    {
      format: `rows [{bar}] {percentage}% | {value}/{total} | {rate} rows/s | ETA {eta_formatted} | {count} ${counter}`,
      stream,
      etaBuffer: 50,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total, 0, { rate: 0, count: 0 });
  return {
    update: (rows, count, newTotal) => {
      if (newTotal !== undefined && newTotal > 0) bar.setTotal(newTotal);
      const seconds = (performance.now() - started) / 1000;
      bar.update(rows, { rate: seconds > 0 ? Math.round(rows / seconds) : 0, count });
    },
    stop: () => bar.stop(),
  };
}
