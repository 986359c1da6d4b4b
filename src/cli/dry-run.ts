// --dry-run as a command sees it: the environment its workflow runs in (dryRunEnv in
// src/app/env.ts, the one place a dry run is made) and where the printed commands go: stdout, or
// collected for -o json so that stdout stays one JSON document.
import { dryRunEnv, type AppEnv } from '../app/env.js';
import type { CliContext } from './context.js';

export interface CommandEnv {
  app: AppEnv;
  /** The commands and configs a dry run printed, when -o json collects them. */
  printed: string[];
}

export function commandEnv(ctx: CliContext, flags: { dryRun?: boolean; output?: string }): CommandEnv {
  const printed: string[] = [];
  if (!flags.dryRun) return { app: ctx, printed };
  const json = flags.output === 'json';
  return { app: dryRunEnv(ctx, (line) => (json ? printed.push(line) : ctx.io.stdout(`${line}\n`))), printed };
}
