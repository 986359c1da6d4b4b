// --shard i/n: a stable split of the selected scenarios (or matrix cells) over n CI runners.
// Items are ordered by key, then dealt round-robin: every runner gets a share within one item of
// the others, the split does not depend on the order selectors were given in, and shards 1..n
// together hold every item exactly once.
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--shard must look like i/n (e.g. 2/4), got "${text}"`, { hint: 'i is this runner (1..n), n the number of runners' });
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`--shard ${text}: n must be at least 1`);
  if (index < 1 || index > count) throw new UsageError(`--shard ${text}: i must be between 1 and ${count}`, { hint: `the shards of ${count} runners are 1/${count} … ${count}/${count}` });
  return { index, count };
}

export function inShard<T>(items: readonly T[], key: (t: T) => string, shard: Shard | undefined): T[] {
  if (!shard || shard.count === 1) return [...items];
  const order = [...items].map((t) => key(t)).sort();
  const mine = new Set(order.filter((_, i) => i % shard.count === shard.index - 1));
  return items.filter((t) => mine.has(key(t)));
}
