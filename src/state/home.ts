// Where kindlab keeps its state: $KINDLAB_HOME, else ~/.kindlab. Nothing outside this folder
// is written unless the user asks (e.g. --export-kubeconfig).
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface StatePaths {
  root: string;
  clusters: string;
  images: string;
  worktrees: string;
  logs: string;
  runs: string;
  lock: string;
}

export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KINDLAB_HOME && env.KINDLAB_HOME.trim() !== '' ? env.KINDLAB_HOME : join(homedir(), '.kindlab');
}

/**
 * A folder a scenario keeps material in across runs and processes (test-only keys it generates
 * on first use, which a cluster's configuration then pins): $KINDLAB_HOME/scenario-data/<id>, 0700.
 */
export function scenarioDataDir(scenarioId: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(scenarioId)) throw new Error(`scenarioDataDir: not a scenario id: ${JSON.stringify(scenarioId)}`);
  const dir = join(stateRoot(env), 'scenario-data', scenarioId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    clusters: join(root, 'clusters'),
    images: join(root, 'images'),
    worktrees: join(root, 'worktrees'),
    logs: join(root, 'logs'),
    runs: join(root, 'runs'),
    lock: join(root, 'state.lock'),
  };
}
