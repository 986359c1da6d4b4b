// Where the local provider finds Kubernetes binaries when none are given.
import { existsSync } from 'node:fs';
import { newestLabBinDir } from '../../lab/cache.js';

/** The newest bin folder `npm run lab` finished ($KINDLAB_LAB_BIN wins), or undefined. */
export function defaultLabBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.KINDLAB_LAB_BIN?.trim();
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return newestLabBinDir(env);
}
