// Where kindlab keeps its state: $KINDLAB_HOME, else ~/.kindlab. Nothing outside this folder
// is written unless the user asks (e.g. --export-kubeconfig).
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
