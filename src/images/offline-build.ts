// What `kindlab build --images` sets up around `kind build node-image` so that kind, unmodified,
// gets every image it fetches from local files: the supply proxy on the docker bridge, a copy of
// the base image that trusts the supply's CA, and the proxy variables kind forwards into its
// build container. Undone by close(); the CA bundle of the finished node image is restored by
// the caller (restoreFiles) when it labels the image.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, ProcessError } from '../errors.js';
import { Docker } from '../docker/docker.js';
import type { ProcessRunner } from '../exec/runner.js';
import { SupplyAuthority } from './authority.js';
import { startSupplyProxy, type RunningProxy } from './proxy.js';
import { ImageSupply } from './supply.js';

/** Go's TLS client (ctr in the build container) reads this bundle on Debian-based images. */
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface OfflineBuild {
  supply: ImageSupply;
  /** Base image for kind: the requested one plus the supply's CA. */
  baseImage: string;
  /** For kind's process: the proxy variables it forwards into its build container. */
  env: Record<string, string>;
  /** Files to put back into the finished node image (its own CA bundle). */
  restoreFiles: Array<{ from: string; to: string }>;
  /** The error to show when kind failed because an image was not supplied, if that is why. */
  missingImagesError(cause: ProcessError): ProcessError | undefined;
  close(): Promise<void>;
}

export interface OfflineBuildOptions {
  archives: string[];
  baseImage: string;
  /** kindlab's state folder: CA, extracted archives, scratch files. */
  stateDir: string;
  workDir: string;
}

export async function prepareOfflineBuild(o: OfflineBuildOptions, runner: ProcessRunner, signal?: AbortSignal): Promise<OfflineBuild> {
  const docker = new Docker(runner, signal);
  if (!(await docker.imageInfo(o.baseImage))) {
    throw new EnvironmentError(`the base image ${o.baseImage} is not in the local docker daemon`, {
      hint: 'with --images nothing is pulled: build or load the base image first (docker load -i FILE), then pass it as --base-image',
    });
  }
  const supply = await ImageSupply.open({ archives: o.archives, cacheDir: join(o.stateDir, 'image-supply'), docker });
  const authority = await SupplyAuthority.open(join(o.stateDir, 'image-supply', 'ca'), runner);

  const original = join(o.workDir, 'base-ca-bundle.crt');
  const hadBundle = await docker.readImageFile(o.baseImage, CA_BUNDLE, original);
  const bundle = join(o.workDir, 'supply-ca-bundle.crt');
  writeFileSync(bundle, (hadBundle ? readFileSync(original, 'utf8') : '') + authority.ca.certPem);
  const baseId = (await docker.imageInfo(o.baseImage))?.id ?? o.baseImage;
  const trusting = `kindlab/build-base:${createHash('sha256').update(baseId + authority.ca.certPem).digest('hex').slice(0, 12)}`;
  await docker.deriveImage(o.baseImage, trusting, { files: [{ from: bundle, to: CA_BUNDLE }] });

  let proxy: RunningProxy | undefined;
  try {
    const gateway = await docker.bridgeGateway();
    if (!gateway) throw new EnvironmentError('cannot find the address of docker\'s default bridge, where the build container would reach kindlab', { hint: 'docker network inspect bridge' });
    proxy = await startSupplyProxy(supply, authority, gateway);
  } catch (e) {
    await docker.removeImage(trusting);
    throw e;
  }
  const running = proxy;
  return {
    supply,
    baseImage: trusting,
    env: { HTTPS_PROXY: running.url, HTTP_PROXY: running.url, NO_PROXY: '', https_proxy: running.url, http_proxy: running.url, no_proxy: '' },
    restoreFiles: hadBundle ? [{ from: original, to: CA_BUNDLE }] : [],
    missingImagesError(cause) {
      const missing = [...supply.missing].filter((m) => !supply.served.has(m));
      if (missing.length === 0) return undefined;
      return new ProcessError(`kind build node-image needed ${missing.length === 1 ? 'an image' : 'images'} that --images did not supply: ${missing.join(', ')}`, cause.argv, cause.processExitCode, cause.outputTail, {
        logFile: cause.logFile,
        hint: `save ${missing.length === 1 ? 'it' : 'them'} into one of the --images folders (docker save -o DIR/NAME.tar IMAGE) or tag ${missing.length === 1 ? 'it' : 'them'} in the local docker daemon; supplied: ${supply.refs.length} image reference(s) from ${o.archives.join(', ')}`,
        cause,
      });
    },
    async close() {
      await running.close();
      await docker.removeImage(trusting);
    },
  };
}
