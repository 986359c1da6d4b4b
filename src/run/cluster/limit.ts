// At most n tasks at once, started in the order asked: the run's scheduling of scenarios on a
// cluster (the progress renderer only shows them).
export function limit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= Math.max(1, n)) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
