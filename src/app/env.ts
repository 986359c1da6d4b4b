// What every workflow receives in place of the CLI's context: the environment, the state store,
// the process runner, the logger, the interrupt signal and where progress lines go. The CLI
// builds one from the real process (src/cli/context.ts); the in-memory pipeline tests build one
// with a test provider (test/helpers/in-memory-app.ts). No
// workflow writes to stdout: it returns what the command renders.
import type { ProcessRunner } from '../exec/runner.js';
import { DryRunRunner } from '../exec/dry-run.js';
import type { StateStore } from '../state/store.js';
import type { Logger } from '../util/logger.js';
import type { ProviderContext } from '../cluster/provider.js';
import { createPhases, type Phases } from '../util/phases.js';
import type { ProviderRegistry } from '../cluster/registry.js';
import type { ClusterApi } from '../scenario/cluster-api.js';
import type { RefBuildDeps } from '../source/build-at-ref.js';

export interface AppEnv {
  env: NodeJS.ProcessEnv;
  cwd: string;
  store: StateStore;
  runner: ProcessRunner;
  log: Logger;
  signal: AbortSignal;
  /** Progress lines (the CLI's stderr). */
  progress: (s: string) => void;
  /** A person watches a terminal: live progress instead of one line per event. */
  interactive: boolean;
  color: boolean;
  /** The providers runs can use (src/cluster/providers.ts; a test provider in tests). */
  providers: ProviderRegistry;
  /** How a run talks to a cluster's API (src/scenario/cluster-api.ts). */
  clusterApi: ClusterApi;
  /**
   * --dry-run: commands that would change something, and the configs kindlab would write, go
   * to `print` instead of happening (see dryRunEnv). Unset otherwise.
   */
  dryRun?: { print: (line: string) => void };
}

const READ_ONLY: Record<string, (args: readonly string[]) => boolean> = {
  git: (a) => {
    const sub = a[0] === '-C' ? a[2] : a[0];
    return ['rev-parse', 'describe', 'status', 'diff', 'show', 'log', 'cat-file'].includes(sub ?? '');
  },
  docker: (a) =>
    ['info', 'inspect', 'ps'].includes(a[0] ?? '') ||
    (a[0] === 'image' && (a[1] === 'inspect' || a[1] === 'ls')) ||
    // reading a node: a file (`cat`) or the API (`kubectl … get`), as a reload plans its work
    (a[0] === 'exec' && (a[2] === 'cat' || (a[2] === 'kubectl' && a.includes('get')))),
  go: (a) => a[0] === 'list' || a[0] === 'env' || a[0] === 'version',
  kind: (a) => a[0] === 'version' || (a[0] === 'get' && a[1] === 'clusters') || (a[0] === 'build' && a.includes('--help')),
};

/**
 * The one place dry-run is made: a runner that still runs read-only queries (versions, git
 * rev-parse, docker inspect) so the printed plan is exact, and prints every command that would
 * change something; providers and builders read `dryRun` from here.
 */
export function dryRunEnv(app: AppEnv, print: (line: string) => void): AppEnv {
  const kindBinary = (app.env.KINDLAB_KIND ?? 'kind').split('/').pop();
  const runner = new DryRunRunner(
    (line) => print(line),
    app.runner,
    (file, args) => {
      const base = file.split('/').pop() ?? file;
      const check = READ_ONLY[base] ?? (base === kindBinary ? READ_ONLY.kind : undefined);
      return check ? check(args) : false;
    },
  );
  return { ...app, runner, dryRun: { print } };
}

/** What a provider is given: derived from the workflow's environment, dry-run included. */
export function providerContext(app: AppEnv): ProviderContext {
  return { runner: app.runner, store: app.store, log: app.log, signal: app.signal, dryRun: Boolean(app.dryRun), print: app.dryRun?.print };
}

/**
 * What a builder (node image, components, test binaries) is given: the workflow's runner, store,
 * environment and signal, dry-run included, and the phases it reports to.
 */
export function buildDeps(app: AppEnv, phases: Phases = phasesOf(app)): RefBuildDeps {
  return { runner: app.runner, store: app.store, phases, signal: app.signal, env: app.env, dryRun: Boolean(app.dryRun) };
}

export function phasesOf(app: AppEnv): Phases {
  return createPhases(app.progress, app.color, undefined, Boolean(app.dryRun));
}
