// Two long jobs side by side (the lab's Kubernetes and etcd builds) that succeed or fail as one.
/**
 * Runs two jobs at once. The first to fail stops the other (its processes get the abort: each job
 * passes the signal on), and its error is the one thrown once both have settled, so no job
 * outlives the call.
 */
export async function bothOrNeither<A, B>(a: (signal: AbortSignal) => Promise<A>, b: (signal: AbortSignal) => Promise<B>, outer: AbortSignal | undefined): Promise<[A, B]> {
  const stop = new AbortController();
  const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
  let firstError: { error: unknown } | undefined;
  const watch = <T>(p: Promise<T>): Promise<T> =>
    p.catch((error: unknown) => {
      firstError ??= { error };
      stop.abort();
      throw error;
    });
  const [ra, rb] = await Promise.allSettled([watch(a(signal)), watch(b(signal))]);
  if (firstError) throw firstError.error;
  // both fulfilled when nothing failed
  return [(ra as PromiseFulfilledResult<A>).value, (rb as PromiseFulfilledResult<B>).value];
}
