// Flag values shared by several commands.
import { UsageError } from '../errors.js';

export function parsePositive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${flag} must be a positive whole number, got "${v}"`);
  return Number(v);
}

export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** --parallel, --timeout and --shard, as every command that runs scenarios takes them. */
export async function runFlags(f: { parallel: string; timeout?: string; shard?: string }): Promise<{ parallel: number; timeoutSeconds: number | undefined; shard: import('../plan/shard.js').Shard | undefined }> {
  const { parseShard } = await import('../plan/shard.js');
  return { parallel: parsePositive(f.parallel, '--parallel') ?? 4, timeoutSeconds: parsePositive(f.timeout, '--timeout'), shard: parseShard(f.shard) };
}
