/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in CI logs). */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return { tick: () => undefined, done: () => undefined };
  let count = 0;
  let last = 0;
  const started = Date.now();
  const draw = (): void => {
    const width = 28;
    const filled = Math.round((count / total) * width);
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${secs}s`);
  };
  return {
    tick(n = 1) {
      count = Math.min(total, count + n);
      // Redraw at most ~10 times a second.
      if (Date.now() - last > 100 || count === total) {
        last = Date.now();
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}
