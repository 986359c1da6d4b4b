// Reads and writes kindlab's state folder: one folder per cluster, one JSON record per image.
// Writes are atomic; name reservation happens under the state lock.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, KindlabError } from '../errors.js';
import { writeJsonAtomic } from './atomic.js';
import { statePaths, type StatePaths } from './home.js';
import { withLock } from './lock.js';
import type { ClusterRecord, ImageKind, ImageRecord } from './records.js';

export class StateStore {
  readonly paths: StatePaths;
  constructor(root: string) {
    this.paths = statePaths(root);
  }

  ensure(): void {
    for (const dir of [this.paths.root, this.paths.clusters, this.paths.images, this.paths.worktrees, this.paths.logs, this.paths.runs]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
  }

  lock<T>(fn: () => Promise<T> | T): Promise<T> {
    this.ensure();
    return withLock(this.paths.lock, fn);
  }

  clusterDir(name: string): string {
    return join(this.paths.clusters, name);
  }

  listClusters(): ClusterRecord[] {
    if (!existsSync(this.paths.clusters)) return [];
    const out: ClusterRecord[] = [];
    for (const name of readdirSync(this.paths.clusters).sort()) {
      const rec = this.getCluster(name);
      if (rec) out.push(rec);
    }
    return out;
  }

  getCluster(name: string): ClusterRecord | undefined {
    const file = join(this.clusterDir(name), 'cluster.json');
    if (!existsSync(file)) return undefined;
    return readJson<ClusterRecord>(file);
  }

  saveCluster(rec: ClusterRecord): void {
    writeJsonAtomic(join(this.clusterDir(rec.name), 'cluster.json'), rec, 0o600);
  }

  /** Claim a cluster name for this process; fails if kindlab already has a cluster of that name. */
  async reserveCluster(rec: ClusterRecord): Promise<void> {
    await this.lock(() => {
      const existing = this.getCluster(rec.name);
      if (existing) {
        throw new ConflictError(`a kindlab cluster named "${rec.name}" already exists (state: ${existing.state})`, {
          hint: `pick another --name, or delete it first: kindlab down ${rec.name}`,
        });
      }
      this.saveCluster(rec);
    });
  }

  removeCluster(name: string): void {
    rmSync(this.clusterDir(name), { recursive: true, force: true });
  }

  private imageFile(kind: ImageKind, commit: string): string {
    return join(this.paths.images, `${kind}-${commit}.json`);
  }

  getImage(kind: ImageKind, commit: string): ImageRecord | undefined {
    const file = this.imageFile(kind, commit);
    return existsSync(file) ? readJson<ImageRecord>(file) : undefined;
  }

  listImages(): ImageRecord[] {
    if (!existsSync(this.paths.images)) return [];
    return readdirSync(this.paths.images)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort()
      .map((f) => readJson<ImageRecord>(join(this.paths.images, f)));
  }

  saveImage(rec: ImageRecord): void {
    writeJsonAtomic(this.imageFile(rec.kind, rec.commit), rec);
  }

  removeImage(kind: ImageKind, commit: string): void {
    rmSync(this.imageFile(kind, commit), { force: true });
    rmSync(this.imagePatchFile(kind, commit), { force: true });
  }

  /**
   * The uncommitted changes a build of a dirty tree was made with, kept beside its record: a
   * reload of a cluster running that build compares against them.
   */
  imagePatchFile(kind: ImageKind, key: string): string {
    return join(this.paths.images, `${kind}-${key}.patch`);
  }
}

function readJson<T>(file: string): T {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new KindlabError(`kindlab state file ${file} is not valid JSON`, {
      hint: 'it was edited or damaged by hand; move it away and run `kindlab ls` again',
      cause: e,
    });
  }
}
