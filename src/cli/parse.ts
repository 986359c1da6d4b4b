// Flag values shared by several commands.
import { UsageError } from '../errors.js';

export function parsePositive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${flag} must be a positive whole number, got "${v}"`);
  return Number(v);
}

export const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface RunFlagValues {
  parallel: string;
  timeout?: string;
  shard?: string;
  junit?: string;
  json?: string;
  html?: string;
  junitDir?: string;
}

/**
 * --parallel, --timeout and --shard, as every command that runs scenarios takes them; the report
 * paths are checked here too, before any work, so a bad one cannot cost a finished run.
 */
export async function runFlags(f: RunFlagValues, cwd: string): Promise<{ parallel: number; timeoutSeconds: number | undefined; shard: import('../plan/shard.js').Shard | undefined }> {
  const { parseShard } = await import('../plan/shard.js');
  const { checkOutputs } = await import('../report/output-paths.js');
  const parsed = { parallel: parsePositive(f.parallel, '--parallel') ?? 4, timeoutSeconds: parsePositive(f.timeout, '--timeout'), shard: parseShard(f.shard) };
  checkOutputs(
    [
      ...(f.junit ? [{ flag: '--junit', value: f.junit, kind: 'file' as const }] : []),
      ...(f.json ? [{ flag: '--json', value: f.json, kind: 'file' as const }] : []),
      ...(f.html ? [{ flag: '--html', value: f.html, kind: 'file' as const }] : []),
      ...(f.junitDir ? [{ flag: '--junit-dir', value: f.junitDir, kind: 'dir' as const }] : []),
    ],
    cwd,
  );
  return parsed;
}
