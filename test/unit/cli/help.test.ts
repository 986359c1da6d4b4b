// Every command's --help has examples, and the top-level help documents the exit codes; the
// CLI runs in memory (runCli) so no process is spawned.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { io: { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false }, env: { KINDLAB_HOME: '/nonexistent-kindlab-home' } });
  return { code, out, err };
}

describe('kindlab --help', () => {
  it('lists the commands and documents exit codes', async () => {
    const { code, out } = await capture(['--help']);
    expect(code).toBe(0);
    for (const cmd of ['build', 'up', 'down', 'ls', 'doctor', 'rmi', 'plan', 'run', 'test', 'matrix', 'bisect', 'new']) expect(out).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    expect(out).toMatch(/Exit codes:[\s\S]*130\s+interrupted/);
  });

  it.each(['build', 'up', 'down', 'ls', 'doctor', 'rmi', 'plan', 'run', 'test', 'matrix', 'bisect'])('%s --help shows examples', async (cmd) => {
    const { code, out } = await capture([cmd, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/Examples:\n {2}kindlab /);
  });

  it('exits 2 with a message for an unknown command or option', async () => {
    const a = await capture(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/unknown command 'frobnicate'/);
    const b = await capture(['up', '--no-such-flag']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/unknown option '--no-such-flag'/);
  });

  it('rejects conflicting sources for up before touching anything', async () => {
    const r = await capture(['up', '--image', 'a:b', '--k8s-version', 'v1.33.1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/give only one of --ref, --image, --k8s-version \(got --image, --k8s-version\)/);
  });

  it('refuses a shard that does not exist, and --versions that name nothing', async () => {
    const a = await capture(['run', '--shard', '3/2', '--kubeconfig', '/nonexistent']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--shard 3\/2: i must be between 1 and 2/);
    const b = await capture(['test', '--shard', 'half']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--shard must look like i\/n \(e\.g\. 2\/4\), got "half"/);
    const c = await capture(['matrix', '--versions', ' , ']);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/--versions needs at least one version/);
    const d = await capture(['matrix', '--versions', 'lab:latest']);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/a lab build is named by its release, e\.g\. lab:v1\.28\.15/);
  });

  it('top-level help does not load commander or any command', async () => {
    const { topLevelHelp } = await import('../../../src/cli/help.js');
    const { out } = await capture(['--help']);
    expect(out).toBe(topLevelHelp());
    expect(out).toMatch(/^Usage: kindlab \[options\] \[command\]/);
  });

  it('asks which cluster for a bare down', async () => {
    const r = await capture(['down']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/which cluster\?/);
  });
});
