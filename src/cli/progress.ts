// A rows progress bar with rows/s and ETA on a terminal (stderr); silent when stderr is not a terminal.
import type { SingleBar } from 'cli-progress';

export interface RowsProgress {
  update(rows: number, retries: number): void;
  stop(): void;
}

const SILENT: RowsProgress = { update: () => {}, stop: () => {} };

/** `total` null (stdin): no bar, since neither a share nor an ETA can be known. */
export async function progressBar(
  total: number | null,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<RowsProgress> {
  if (!stream.isTTY || total === null || total === 0) return SILENT;
  // Imported lazily: the CLI's start-up does not pay for it.
  const { Presets, SingleBar: Bar } = await import('cli-progress');
  const bar: SingleBar = new Bar(
    {
      format:
        'rows [{bar}] {percentage}% | {value}/{total} | {rate} rows/s | ETA {eta_formatted} | {retries} retries',
      stream,
      etaBuffer: 50,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total, 0, { rate: 0, retries: 0 });
  return {
    update: (rows, retries) => {
      const seconds = (performance.now() - started) / 1000;
      bar.update(rows, { rate: seconds > 0 ? Math.round(rows / seconds) : 0, retries });
    },
    stop: () => bar.stop(),
  };
}
