// Image archives as `docker save` writes them (docker's archive format, which newer dockers also
// write next to an OCI layout): extracted once into kindlab's cache, then described as registry
// content — an OCI manifest per image, and the files that hold its config and layers.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  /** The file that holds the blob's bytes. */
  file: string;
}

/** One image of an archive, ready to be served. */
export interface ServedImage {
  /** The references the archive gives it (RepoTags). */
  refs: string[];
  manifest: { digest: string; bytes: Buffer };
  blobs: Blob[];
  /** Where it came from, for messages. */
  source: string;
}

interface ArchiveManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** A stable folder name for an archive's extracted copy: its path, size and change time. */
function extractionKey(file: string): string {
  const st = statSync(file);
  return createHash('sha256').update(`${resolve(file)}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
}

/** Extracts an archive (once) into `cacheDir` and returns the images it holds. */
export async function readArchive(file: string, cacheDir: string): Promise<ServedImage[]> {
  const dir = join(cacheDir, extractionKey(file));
  if (!existsSync(join(dir, 'manifest.json'))) {
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const tar = await import('tar');
    try {
      await tar.x({ file, cwd: partial, strict: true });
    } catch (e) {
      rmSync(partial, { recursive: true, force: true });
      throw new UsageError(`${file} is not a readable image archive: ${(e as Error).message}`, {
        hint: 'image archives are what `docker save -o FILE IMAGE...` writes',
      });
    }
    if (!existsSync(join(partial, 'manifest.json'))) {
      rmSync(partial, { recursive: true, force: true });
      throw new UsageError(`${file} holds no manifest.json, so it is not an image archive`, {
        hint: 'image archives are what `docker save -o FILE IMAGE...` writes',
      });
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  const entries = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ArchiveManifestEntry[];
  return Promise.all(entries.map((e) => describeImage(dir, e, file)));
}

async function describeImage(dir: string, e: ArchiveManifestEntry, source: string): Promise<ServedImage> {
  const configFile = join(dir, e.Config);
  const configBytes = readFileSync(configFile);
  const config = JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  const configBlob: Blob = { digest: sha256(configBytes), size: configBytes.length, mediaType: MEDIA.config, file: configFile };
  const layers: Blob[] = [];
  for (const [i, layer] of e.Layers.entries()) {
    const file = join(dir, layer);
    const gz = isGzip(file);
    // An uncompressed layer's digest is its diff ID, which the config already lists; only a
    // compressed layer (rare in `docker save` output) has to be hashed.
    const named = /blobs\/sha256\/([0-9a-f]{64})$/.exec(layer)?.[1];
    const digest = named ? `sha256:${named}` : !gz && diffIds[i] ? diffIds[i] : await sha256File(file);
    layers.push({ digest, size: statSync(file).size, mediaType: gz ? MEDIA.layerGzip : MEDIA.layer, file });
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, digest: configBlob.digest, size: configBlob.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  return { refs: e.RepoTags ?? [], manifest: { digest: sha256(manifest), bytes: manifest }, blobs: [configBlob, ...layers], source };
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}
