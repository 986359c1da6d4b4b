// The images kindlab can hand to a registry client without a registry: image archives (files or
// folders of `docker save` output) and, on request, images present in the local docker daemon.
// Records what was asked for and could not be supplied, for the error the build shows.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Docker } from '../docker/docker.js';
import { readArchive, type Blob, type ServedImage } from './archive.js';
import { answers, requestedRef } from './reference.js';

export interface SupplyOptions {
  /** Archive files, or folders whose `*.tar` files are archives. */
  archives: string[];
  /** Where archives are extracted and daemon images saved (kindlab's cache). */
  cacheDir: string;
  /** Also answer with images of the local docker daemon (saved on first request). */
  docker?: Docker;
}

export class ImageSupply {
  private readonly images: ServedImage[] = [];
  private readonly blobs = new Map<string, Blob>();
  private readonly manifests = new Map<string, ServedImage>();
  readonly missing = new Set<string>();
  readonly served = new Set<string>();

  private constructor(private readonly o: SupplyOptions) {}

  static async open(o: SupplyOptions): Promise<ImageSupply> {
    const s = new ImageSupply(o);
    mkdirSync(o.cacheDir, { recursive: true });
    for (const file of archiveFiles(o.archives)) s.add(await readArchive(file, join(o.cacheDir, 'archives')));
    return s;
  }

  /** Every reference the archives name (daemon images are found on request). */
  get refs(): string[] {
    return this.images.flatMap((i) => i.refs).sort();
  }

  private add(images: ServedImage[]): void {
    for (const img of images) {
      this.images.push(img);
      this.manifests.set(img.manifest.digest, img);
      for (const b of img.blobs) this.blobs.set(b.digest, b);
    }
  }

  /** The image that answers `host/name:reference` (a tag or a manifest digest), if any. */
  async manifest(host: string, name: string, reference: string): Promise<ServedImage | undefined> {
    const asked = requestedRef(host, name, reference);
    const found = reference.startsWith('sha256:') ? this.manifests.get(reference) : this.images.find((i) => i.refs.some((r) => answers(r, host, name, reference))) ?? (await this.fromDaemon(host, name, reference));
    if (found) this.served.add(asked);
    else this.missing.add(asked);
    return found;
  }

  blob(digest: string): Blob | undefined {
    return this.blobs.get(digest);
  }

  private async fromDaemon(host: string, name: string, tag: string): Promise<ServedImage | undefined> {
    const docker = this.o.docker;
    if (!docker) return undefined;
    // The daemon knows default-registry images by their short name, and others with their host.
    const candidates = [`${host}/${name}:${tag}`, `${name}:${tag}`, ...(name.startsWith('library/') ? [`${name.slice(8)}:${tag}`] : [])];
    for (const ref of candidates) {
      const info = await docker.imageInfo(ref);
      if (!info) continue;
      const dir = join(this.o.cacheDir, 'daemon');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${info.id.replace(/^sha256:/, '').slice(0, 24)}.tar`);
      if (!existsSync(file)) await docker.saveImage(ref, file);
      const images = await readArchive(file, join(this.o.cacheDir, 'archives'));
      this.add(images);
      return images.find((i) => i.refs.some((r) => answers(r, host, name, tag))) ?? images[0];
    }
    return undefined;
  }
}

/** The archive files --images names; a path that is missing, or a folder without *.tar, is a usage error. */
export function archiveFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      throw new UsageError(`--images ${p} does not exist`, { hint: 'pass a `docker save` archive, or a folder of them (*.tar)' });
    }
    if (statSync(p).isDirectory()) {
      const tars = readdirSync(p).filter((f) => f.endsWith('.tar')).sort().map((f) => join(p, f));
      if (tars.length === 0) throw new UsageError(`--images ${p} is a folder with no *.tar archive in it`, { hint: 'pass a `docker save` archive, or a folder of them (*.tar)' });
      files.push(...tars);
    } else {
      files.push(p);
    }
  }
  return files;
}
