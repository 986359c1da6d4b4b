// Once per vitest run: a parent folder for the per-file temporary folders (tmp-per-file.ts),
// removed when the run ends. A file whose tests are all skipped runs no afterAll; its folder goes
// with the parent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const parent = mkdtempSync(join(tmpdir(), 'kl-tests-'));
  process.env.KINDLAB_TEST_TMP_PARENT = parent;
  return () => rmSync(parent, { recursive: true, force: true, maxRetries: 3 });
}
