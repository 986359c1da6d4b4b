// What every command receives: the workflows' environment (src/app/env.ts) plus the output
// streams it renders to. Only commands see `io`; workflows get the AppEnv part.
import { ExecaRunner, type ProcessRunner } from '../exec/runner.js';
import type { AppEnv } from '../app/env.js';
import { stateRoot } from '../state/home.js';
import { StateStore } from '../state/store.js';
import { createLogger, useColor } from '../util/logger.js';
import { REAL_PROVIDERS } from '../cluster/providers.js';
import { REAL_CLUSTER_API } from '../scenario/cluster-api.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

export interface CliContext extends AppEnv {
  io: CliIO;
}

export function realIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
  };
}

export function createContext(opts: {
  io: CliIO;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  verbose?: boolean;
  runner?: ProcessRunner;
}): CliContext {
  const color = opts.io.isTTY && useColor({ isTTY: opts.io.isTTY }, opts.env);
  return {
    io: opts.io,
    env: opts.env,
    cwd: opts.cwd,
    store: new StateStore(stateRoot(opts.env)),
    runner: opts.runner ?? new ExecaRunner(),
    log: createLogger({ verbose: opts.verbose, write: opts.io.stderr, color }),
    signal: opts.signal,
    progress: opts.io.stderr,
    interactive: opts.io.isTTY,
    color,
    providers: REAL_PROVIDERS,
    clusterApi: REAL_CLUSTER_API,
  };
}
