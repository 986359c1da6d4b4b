// `kindlab doctor`: preflight checks, each failure with how to fix it.
import type { Command } from 'commander';
import { Option } from 'commander';
import { table } from '../util/table.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', `\nExamples:\n  kindlab doctor\n  kindlab doctor -o json\n\nExit code 0 when nothing failed (warnings allowed), 3 when a check failed.`)
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, flags: { output: 'text' | 'json' }): Promise<number> {
  const { probe } = await import('../doctor/probe.js');
  const { evaluate } = await import('../doctor/evaluate.js');
  const binDir = ctx.providers.descriptors.map((d) => d.defaultBinDir?.(ctx.env)).find(Boolean);
  const facts = await probe(ctx.runner, ctx.store.paths.root, binDir, ctx.env.KINDLAB_KIND ?? 'kind');
  const { evaluateSelf } = await import('../doctor/evaluate.js');
  const { packageInfo } = await import('../util/package-info.js');
  const { BUILTIN_SCENARIOS_DIR } = await import('../scenario/loader.js');
  const { labBinDirs, labCacheRoot } = await import('../lab/cache.js');
  const pkg = packageInfo();
  const labCache = labCacheRoot(ctx.env);
  const self = evaluateSelf({ version: pkg.version, packageRoot: pkg.root, node: process.versions.node, nodeRange: pkg.nodeRange, scenariosDir: BUILTIN_SCENARIOS_DIR, labCache, labReleases: labBinDirs(labCache).map((l) => l.version) });
  const findings = [...self, ...evaluate(facts)];
  const failed = findings.some((f) => f.status === 'fail');
  if (flags.output === 'json') {
    ctx.io.stdout(JSON.stringify({ ok: !failed, findings }, null, 2) + '\n');
  } else {
    const mark = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;
    ctx.io.stdout(table(['CHECK', 'STATUS', 'DETAIL'], findings.map((f) => [f.check, mark[f.status], f.detail])));
    const fixes = findings.filter((f) => f.fix && f.status !== 'ok');
    if (fixes.length) {
      ctx.io.stdout('\nHow to fix:\n');
      for (const f of fixes) ctx.io.stdout(`  ${f.check}: ${f.fix}\n`);
    }
  }
  return failed ? 3 : 0;
}
