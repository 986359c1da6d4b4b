// For --dry-run: a runner that still runs read-only queries (versions, git rev-parse, docker
// inspect) so the printed plan is exact, and prints every command that would change something.
import { DryRunRunner } from '../exec/dry-run.js';
import type { CliContext } from './context.js';

const READ_ONLY: Record<string, (args: readonly string[]) => boolean> = {
  git: (a) => {
    const sub = a[0] === '-C' ? a[2] : a[0];
    return ['rev-parse', 'describe', 'status', 'diff'].includes(sub ?? '');
  },
  docker: (a) => ['info', 'inspect', 'ps'].includes(a[0] ?? '') || (a[0] === 'image' && (a[1] === 'inspect' || a[1] === 'ls')),
  kind: (a) => a[0] === 'version' || (a[0] === 'get' && a[1] === 'clusters') || (a[0] === 'build' && a.includes('--help')),
};

export function dryRunContext(ctx: CliContext): CliContext {
  const runner = new DryRunRunner(
    (line) => ctx.io.stdout(`${line}\n`),
    ctx.runner,
    (file, args) => {
      const base = file.split('/').pop() ?? file;
      const check = READ_ONLY[base] ?? (base === (ctx.env.KINDLAB_KIND ?? 'kind').split('/').pop() ? READ_ONLY.kind : undefined);
      return check ? check(args) : false;
    },
  );
  return { ...ctx, runner };
}
