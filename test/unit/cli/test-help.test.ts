// `kindlab test --help` / `plan --help` say how the target version and the kind node image are
// chosen, and what --fail-fast and the result statuses mean.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';

async function help(cmd: string): Promise<string> {
  let out = '';
  const code = await runCli([cmd, '--help'], { io: { stdout: (s) => (out += s), stderr: () => undefined, isTTY: false }, env: { KINDLAB_HOME: '/nonexistent-kindlab-home' } });
  expect(code).toBe(0);
  return out;
}

describe('test --help', () => {
  it('documents the target version, the node image, --fail-fast and the statuses', async () => {
    const out = await help('test');
    expect(out).toMatch(/Target version: a run has one, and every cluster it creates runs it/);
    expect(out).toMatch(/kindest\/node:<version> if docker already has it/);
    expect(out).toMatch(/--fail-fast\s+stop at the first cluster that does not come up/);
    expect(out).toMatch(/ERRORED \(not a verdict on the feature/);
    expect(out).toMatch(/130 when interrupted/);
  });
  it('plan --help points to it', async () => {
    expect(await help('plan')).toMatch(/each kind cluster the node image it is created\nfrom/);
  });
});
