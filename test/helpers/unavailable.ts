// What a test tier does when the machine lacks what it needs (docker, kind, the lab's builds,
// Chromium): on a developer's machine it is skipped with the reason; where the whole tier must
// run (KINDLAB_REQUIRE_ALL=1, set by .ci/run), it fails with the reason instead, so CI can never
// go green having skipped a tier.
import { describe, it } from 'vitest';

export const requireAll = process.env.KINDLAB_REQUIRE_ALL === '1';

/** Registers the tier's stand-in: a skip naming `why`, or under KINDLAB_REQUIRE_ALL a failure. */
export function unavailable(title: string, why: string): void {
  if (requireAll) {
    describe(title, () =>
      it('has what it needs (KINDLAB_REQUIRE_ALL=1)', () => {
        throw new Error(`this tier cannot run here: ${why}`);
      }),
    );
  } else describe(title, () => it.skip(`skipped: ${why}`, () => {}));
}
