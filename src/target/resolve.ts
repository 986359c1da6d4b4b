// What `plan`, `test`, `matrix` and `bisect` target, as facts (nothing is built or pulled): the
// Kubernetes version, the gates that exist there (from the checkout's source for a ref), which
// providers can create clusters on this machine, and the node image kind clusters are created from.
//
// A run has one target version, and every cluster it creates runs it:
//   --ref         clusters run what the build step makes from the ref (binaries, a node image);
//   --image       node-image clusters run that image; --k8s-version: kind's published image;
//   neither       the version of the local binaries (--bin-dir, else the lab's); node-image clusters
//                 run a node image of exactly that version: one kindlab built, else kind's published
//                 one if docker already has it, else an error before anything is created.
// Local binaries of another version than --image/--k8s-version are used only as an explicit
// choice (--image beside local binaries, or --bin-dir): the run then has two versions, one for
// the providers that run binaries and one for those that run node images, and says so.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { AppEnv } from '../app/env.js';
import { providerContext } from '../app/env.js';
import type { ProviderCapabilities } from '../cluster/capabilities.js';
import { UsageError } from '../errors.js';
import type { PlanTarget } from '../plan/planner.js';
import { releaseFeatureSpecs } from '../source/feature-source.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import { findNodeImage, type MissingImage } from '../cluster/node-image.js';
import { Docker } from '../docker/docker.js';
import { binaryVersion, checkOneSource, describeSource } from './source.js';

export interface TargetFlags {
  /** 'auto', or a provider's name. */
  provider: string;
  ref?: string;
  image?: string;
  k8sVersion?: string;
  kubeRoot?: string;
  binDir?: string;
}

export interface ProviderTarget {
  /** e.g. '1.37.2' (no leading v, as PlanTarget.version). */
  version: string;
  description: string;
}

export type RunsFrom = ProviderCapabilities['runsFrom'];

export interface ResolvedTarget {
  target: PlanTarget;
  /** Node-image clusters: the image every one is created from (for a ref: the tag its build will have). */
  image?: string;
  /** How that image was chosen (for the plan and the run header). */
  imageSource?: string;
  /** Node-image clusters have no image of the target version: the error once one is planned. */
  imageMissing?: MissingImage;
  binDir?: string;
  commit?: string;
  /** A ref the build step still has to build, for the providers the plan uses. */
  build?: { kubeRoot: { path: string; from: string }; ref: string };
  /**
   * Clusters from binaries and clusters from node images run different versions (an explicit
   * choice), keyed by what they run from; undefined otherwise.
   */
  split?: Partial<Record<RunsFrom, ProviderTarget>>;
}

const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);
const planVersion = (v: string): string => semver.coerce(v)!.version;
const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, '') === b.replace(/^v/, '');

/** The Kubernetes version (no leading v) clusters of this provider run. */
export function providerVersion(app: Pick<AppEnv, 'providers'>, r: ResolvedTarget, provider: string): string {
  return r.split?.[app.providers.capabilitiesOf(provider).runsFrom]?.version ?? r.target.version;
}

interface Named {
  version: string;
  description: string;
}

/** The providers that run this machine's binaries: which binaries, their version, and whether they can serve the target. */
interface BinariesSide {
  binDir?: string;
  version?: string;
  description: string;
  /** true, or why binaries providers cannot run the target. */
  usable: true | string;
}

async function binariesSide(app: AppEnv, f: TargetFlags, named: Named | undefined, forced: RunsFrom | undefined): Promise<BinariesSide> {
  const provider = app.providers.withCapability((c) => c.runsFrom === 'binaries');
  // A ref's binaries are built from it, unless --bin-dir gives others.
  if (f.ref && named && !f.binDir) return { version: named.version, description: named.description, usable: forced === 'node-image' ? `not selected (--provider ${f.provider})` : true };
  const binDir = f.binDir ?? (f.ref ? undefined : provider?.defaultBinDir?.(app.env));
  const have = Boolean(binDir && existsSync(join(binDir, 'kube-apiserver')));
  const version = have && (forced !== 'node-image' || !named) ? await binaryVersion(app, binDir!) : undefined;
  const description = `${version} (binaries in ${binDir})`;
  let usable: true | string;
  if (forced === 'node-image') usable = `not selected (--provider ${f.provider})`;
  else if (!version) usable = 'no local binaries (run npm run lab, or pass --bin-dir)';
  else if (!named || sameVersion(version, named.version) || f.image || f.binDir) usable = true;
  else usable = `the local binaries are ${withV(version)}, not the target ${withV(named.version)} (pass --bin-dir to use binaries of another version anyway)`;
  return { binDir, version, description, usable };
}

/** Node-image clusters of a version that came from binaries: a node image of exactly that version, or why there is none. */
async function nodeImageOfVersion(app: AppEnv, version: string): Promise<{ image?: string; imageSource?: string; imageMissing?: MissingImage }> {
  try {
    const found = await findNodeImage(version, app.store, new Docker(app.runner, app.signal));
    return found ? { image: found.image, imageSource: found.source } : { imageMissing: { version: withV(version) } };
  } catch (e) {
    return { imageMissing: { version: withV(version), lookupError: (e as Error).message.split('\n')[0] } };
  }
}

/** Which providers can create clusters here, and the host facts of the first usable one that has any. */
async function availability(app: AppEnv, f: TargetFlags, forced: RunsFrom | undefined, binaries: true | string, hostImage: string | undefined): Promise<Pick<PlanTarget, 'providers' | 'host'>> {
  const providers: PlanTarget['providers'] = {};
  let host: PlanTarget['host'];
  for (const d of app.providers.descriptors) {
    const runsFrom = d.capabilities.runsFrom;
    if (forced && forced !== runsFrom) providers[d.name] = `not selected (--provider ${f.provider})`;
    else if (runsFrom === 'binaries') providers[d.name] = binaries;
    else providers[d.name] = await (await app.providers.get(d.name)).available(providerContext(app));
    if (providers[d.name] === true && d.hostFacts && !host) host = await d.hostFacts(app, hostImage);
  }
  return { providers, host };
}

export async function resolveTarget(app: AppEnv, f: TargetFlags): Promise<ResolvedTarget> {
  checkOneSource(f);
  const reg = app.providers;
  if (f.provider !== 'auto' && !reg.has(f.provider)) {
    throw new UsageError(`unknown provider "${f.provider}"`, { hint: `give auto or one of ${reg.names().join(', ')}` });
  }
  const forced = f.provider === 'auto' ? undefined : reg.capabilitiesOf(f.provider).runsFrom;
  // What the user named: a ref, an image or a released version.
  const facts = await describeSource(app, f);
  const named = facts?.version ? { version: facts.version, description: facts.description } : undefined;
  const fromRef = Boolean(f.ref && named);
  const local = await binariesSide(app, f, named, forced);
  const version = named?.version ?? local.version;
  if (!version || !semver.coerce(version)) {
    throw new UsageError('cannot tell which Kubernetes version to target', {
      hint: `give --k8s-version v1.33.1, --image, --ref, or --provider ${reg.withCapability((c) => c.runsFrom === 'binaries')?.name ?? 'local'} with binaries from npm run lab`,
    });
  }
  let image = { image: facts?.image, imageSource: fromRef ? `to be built from ${named!.description}` : facts?.imageSource } as Awaited<ReturnType<typeof nodeImageOfVersion>>;
  if (!named && !f.image && forced !== 'binaries' && reg.withCapability((c) => c.runsFrom === 'node-image')) image = await nodeImageOfVersion(app, version);
  // Explicit binaries of another version than a named one: two versions, one per side.
  const twoVersions = local.usable === true && named && local.version && !sameVersion(local.version, named.version);
  const onlyBinaries = twoVersions && forced === 'binaries';
  const split: ResolvedTarget['split'] =
    twoVersions && !onlyBinaries
      ? { binaries: { version: planVersion(local.version!), description: local.description }, 'node-image': { version: planVersion(named.version), description: `${withV(named.version)} (image ${image.image})` } }
      : undefined;
  const sideName = (from: RunsFrom): string | undefined => reg.withCapability((c) => c.runsFrom === from)?.name;
  const description = split
    ? `${sideName('binaries')}: ${local.description}, ${sideName('node-image')}: ${split['node-image']!.description}`
    : onlyBinaries || !named
      ? local.description
      : named.description;
  const targetVersion = onlyBinaries ? local.version! : version;
  return {
    target: {
      version: planVersion(targetVersion),
      description,
      // binaries of a release (the lab's): that release's specs, when its modules are at hand
      sourceGates: facts?.sourceGates ?? releaseFeatureSpecs(app.env, withV(targetVersion)),
      ...(await availability(app, f, forced, local.usable, fromRef ? undefined : image.image)),
      capabilities: reg.capabilities(),
      forceProvider: f.provider === 'auto' ? undefined : f.provider,
    },
    ...image,
    binDir: local.binDir,
    commit: facts?.commit,
    build: fromRef ? { kubeRoot: chooseKubeRoot(f.kubeRoot, app.env, app.cwd), ref: f.ref! } : undefined,
    split,
  };
}
