// Prints a command's phases with elapsed time: "▸ phase" on start, "✓ phase (12.3s)" on success,
// "✗ phase (1.2s)" on failure. Plain text, one line per event, so it reads the same in CI logs.
export interface Phases {
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
  note(message: string): void;
}

/** `dryRun`: a phase that ends did not happen (its commands were printed): no ✓ for it. */
export function createPhases(write: (s: string) => void, color = false, now: () => number = () => performance.now(), dryRun = false): Phases {
  const dim = (s: string): string => (color ? `\u001b[2m${s}\u001b[0m` : s);
  const green = (s: string): string => (color ? `\u001b[32m${s}\u001b[0m` : s);
  const red = (s: string): string => (color ? `\u001b[31m${s}\u001b[0m` : s);
  return {
    async run(name, fn) {
      const start = now();
      write(`${dim('▸')} ${name}\n`);
      try {
        const out = await fn();
        write(dryRun ? `${dim('-')} ${name} ${dim('(dry run: printed, not done)')}\n` : `${green('✓')} ${name} ${dim(`(${seconds(now() - start)})`)}\n`);
        return out;
      } catch (e) {
        write(`${red('✗')} ${name} ${dim(`(${seconds(now() - start)})`)}\n`);
        throw e;
      }
    },
    note(message) {
      write(`  ${message}\n`);
    },
  };
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}
