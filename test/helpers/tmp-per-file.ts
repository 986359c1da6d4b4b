// Every test file gets a temporary folder of its own as TMPDIR (its children inherit it), removed
// when the file ends, passed or failed: what a test makes with tmpdir() cannot outlive it. Hooks
// after a file run in reverse order, so this runs after the file's own afterAll (a cluster it
// brought up is down before its folders go).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const outer = tmpdir();
// Under the run's parent (tmp-global.ts), which the run's end removes whatever happens here.
const mine = mkdtempSync(join(process.env.KINDLAB_TEST_TMP_PARENT ?? outer, 'kl-test-'));
process.env.TMPDIR = mine;
// Nor may a test touch the real ~/.kindlab: a test that names no KINDLAB_HOME gets one in its folder.
const homeWasSet = process.env.KINDLAB_HOME !== undefined;
if (!homeWasSet) process.env.KINDLAB_HOME = join(mine, 'kindlab-home');

const remove = (): void => {
  process.env.TMPDIR = outer;
  if (!homeWasSet) delete process.env.KINDLAB_HOME;
  rmSync(mine, { recursive: true, force: true, maxRetries: 3 });
};
afterAll(remove);
