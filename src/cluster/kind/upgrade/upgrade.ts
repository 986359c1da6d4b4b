// A kind cluster upgraded the way kubeadm's own procedure does it, with kindlab's build of the
// target instead of packages and a registry: the new kubeadm copied into every node; the target's
// control-plane and kube-proxy images (packed from the new binaries, tagged as kubeadm names them
// in the cluster's image repository) imported into every node's containerd; etcd, CoreDNS and
// pause checked present beforehand; then `kubeadm upgrade apply` on the first control-plane node,
// `kubeadm upgrade node` on every other, and each node's kubelet replaced and Ready at the new
// version (control plane first). Nodes are not drained: a kubelet restart keeps their pods running.
import { join } from 'node:path';
import { Docker } from '../../../docker/docker.js';
import { EnvironmentError } from '../../../errors.js';
import { Kind } from '../../../kind/driver.js';
import { readArchive } from '../../../images/archive.js';
import { archiveFiles } from '../../../images/supply.js';
import { manifestImage } from '../../../reload/static-pod.js';
import { componentImageRefs, IMAGE_COMPONENTS } from '../../../source/release-layout.js';
import type { ClusterRecord } from '../../../state/records.js';
import { imageRepository, imagesForRole, imagesListArgs, kubeadmFailure, missingImages, upgradeApplyArgs, upgradeNodeArgs } from '../../../upgrade/kubeadm.js';
import type { UpgradeContext, UpgradePayload, UpgradeStepDone } from '../../provider.js';
import { replaceKubelet } from '../reload/kubelet.js';
import { clusterNodes, loadPackedImages, nodeKubectl, nodeRunner, waitUntil } from '../reload/node-shell.js';

const KUBEADM = '/usr/bin/kubeadm';
/**
 * A kind node is a container: kubeadm's SystemVerification reads the docker host's kernel and
 * cgroups, and on a cgroup v1 host refuses Kubernetes ≥ 1.35 although the kubelet runs with
 * failCgroupV1: false. kind skips every preflight check at init and join; the upgrade skips only this one.
 */
const IGNORE_PREFLIGHT = ['SystemVerification'];
const SERVER_READY_SECONDS = 120;

/** One upgrade under way: the cluster's nodes, how to reach them, and the steps done so far. */
interface Upgrade {
  rec: ClusterRecord;
  payload: UpgradePayload;
  ctx: UpgradeContext;
  docker: Docker;
  run: ReturnType<typeof nodeRunner>;
  kubectl: ReturnType<typeof nodeKubectl>;
  logFile: string;
  first: string;
  controlPlanes: string[];
  workers: string[];
  all: string[];
  step: (name: string, where: string, fn: () => Promise<string | undefined | void>) => Promise<void>;
}

export async function upgradeKindCluster(rec: ClusterRecord, payload: UpgradePayload, ctx: UpgradeContext): Promise<UpgradeStepDone[]> {
  const done: UpgradeStepDone[] = [];
  const u = await upgradeOf(rec, payload, ctx, done);
  // What kubeadm will look for, in the repository the cluster's images come from.
  const repository = imageRepository(manifestImage((await u.run(u.first, ['cat', '/etc/kubernetes/manifests/kube-apiserver.yaml'])).stdout));
  const listed = ctx.dryRun
    ? `${IMAGE_COMPONENTS.map((c) => `${repository}/${c}:${payload.version.replace(/\+/g, '_')}`).join('\n')}\n`
    : (await ctx.runner.run(join(payload.binDir, 'kubeadm'), imagesListArgs(payload.version, repository), { signal: ctx.signal })).stdout;
  const ours = componentImageRefs(listed);
  await loadDependencies(u, listed.split('\n').map((l) => l.trim()).filter((l) => l && !Object.values(ours).includes(l)));
  await loadComponentImages(u, IMAGE_COMPONENTS.map((c) => ({ component: c, ref: ours[c] })));
  await u.step(`kubeadm ${payload.version} into ${KUBEADM}`, u.all.join(', '), async () => {
    for (const node of u.all) {
      await ctx.runner.run('docker', ['cp', join(payload.binDir, 'kubeadm'), `${node}:${KUBEADM}.kindlab-new`], { signal: ctx.signal });
      await u.run(node, ['mv', '-f', `${KUBEADM}.kindlab-new`, KUBEADM]);
    }
  });
  await u.step('kubeadm upgrade apply', u.first, () => upgradeApply(u));
  const upgradeNode = (node: string) => u.step('kubeadm upgrade node', node, async () => void (await ctx.runner.run('docker', ['exec', node, 'kubeadm', ...upgradeNodeArgs(IGNORE_PREFLIGHT)], { signal: ctx.signal, logFile: u.logFile })));
  for (const node of u.controlPlanes.slice(1)) await upgradeNode(node);
  if (payload.kubeletsStay) return done;
  for (const node of u.all) {
    // The first control-plane node's kubelet config was rewritten by `upgrade apply`.
    if (u.workers.includes(node)) await upgradeNode(node);
    await u.step(`kubelet ${payload.version}`, node, async () => {
      await replaceKubelet({ node, binary: join(payload.binDir, 'kubelet'), version: payload.version, run: u.run, kubectl: u.kubectl }, ctx);
      return payload.version;
    });
  }
  return done;
}

async function upgradeOf(rec: ClusterRecord, payload: UpgradePayload, ctx: UpgradeContext, done: UpgradeStepDone[]): Promise<Upgrade> {
  const docker = new Docker(ctx.runner, ctx.signal);
  const { controlPlanes, workers, first } = await clusterNodes(docker, rec.name);
  const run = nodeRunner(ctx);
  const step = async (name: string, where: string, fn: () => Promise<string | undefined | void>): Promise<void> => {
    ctx.onStep(name, where);
    const t = performance.now();
    const version = await ctx.phases.run(`${name} on ${where}`, fn);
    const s: UpgradeStepDone = { step: name, where, seconds: (performance.now() - t) / 1000, ...(version ? { version } : {}) };
    done.push(s);
    ctx.onDone(s);
  };
  const logFile = join(ctx.store.paths.logs, `upgrade-${rec.name}-${Date.now()}.log`);
  return { rec, payload, ctx, docker, run, kubectl: nodeKubectl(run, first), logFile, first, controlPlanes, workers, all: [...controlPlanes, ...workers], step };
}

/**
 * etcd, CoreDNS and pause of the target: from --images archives or the local docker daemon where a
 * node lacks them (nothing can be pulled), all found before the cluster is touched.
 */
async function loadDependencies(u: Upgrade, theirs: string[]): Promise<void> {
  const { ctx, payload } = u;
  const lacking = new Map<string, string[]>();
  if (!ctx.dryRun) {
    for (const node of u.all) {
      const needs = imagesForRole(theirs, u.controlPlanes.includes(node) ? 'control-plane' : 'worker');
      for (const ref of missingImages(needs, (await u.run(node, ['crictl', 'images', '-o', 'json'])).stdout)) lacking.set(ref, [...(lacking.get(ref) ?? []), node]);
    }
  }
  const supply = await supplyImages([...lacking.keys()], payload.imageArchives, u.docker, ctx.store.paths.root);
  const unsupplied = [...lacking.keys()].filter((ref) => !supply.has(ref));
  if (unsupplied.length) {
    throw new EnvironmentError(`the nodes lack ${unsupplied.join(', ')}, which ${payload.version}'s kubeadm needs, and nothing can pull here`, {
      detail: `nothing was changed (${unsupplied.map((r) => `${r}: missing on ${lacking.get(r)!.join(', ')}`).join('; ')})`,
      hint: '--images <docker save archive or folder of them> supplies them (the lab keeps the release\'s in lab-node.env IMAGES_DIR), as does having them in the local docker daemon',
    });
  }
  const kind = new Kind(ctx.runner, ctx.signal);
  for (const [ref, from] of supply) {
    const nodes = lacking.get(ref)!;
    await u.step(`load ${ref} (from ${from.kind === 'archive' ? from.file : 'the local docker daemon'})`, nodes.join(', '), () =>
      from.kind === 'archive' ? kind.loadArchive(u.rec.name, from.file, u.logFile, nodes) : kind.loadImages(u.rec.name, [ref], u.logFile, nodes),
    );
  }
}

/** The control-plane and kube-proxy images, packed from the new binaries, into every node. */
async function loadComponentImages(u: Upgrade, images: Array<{ component: (typeof IMAGE_COMPONENTS)[number]; ref: string }>): Promise<void> {
  const { ctx, payload, rec, all } = u;
  const refs = images.map((i) => i.ref);
  await u.step(`load ${refs.join(', ')}`, all.join(', '), () =>
    ctx.dryRun
      ? Promise.resolve(ctx.phases.note(`then: each image packed from ${payload.binDir}/<component> (kube-proxy on ${payload.kubeProxyBase}), kind load docker-image --name ${rec.name} --nodes ${all.join(',')} ${refs.join(' ')}`))
      : loadPackedImages(images.map((i) => ({ component: i.component, ref: i.ref, binary: join(payload.binDir, i.component), kubeProxyBase: payload.kubeProxyBase })), { cluster: rec.name, nodes: all, logFile: u.logFile }, ctx),
  );
}

/** `kubeadm upgrade apply` on the first control plane, then the API server serving the target. */
async function upgradeApply(u: Upgrade): Promise<string | undefined> {
  const { ctx, payload, first, logFile } = u;
  const r = await ctx.runner.run('docker', ['exec', first, 'kubeadm', ...upgradeApplyArgs(payload.version, { experimental: payload.experimental, rebuild: payload.rebuild, ignorePreflight: IGNORE_PREFLIGHT })], { signal: ctx.signal, logFile, allowFailure: true });
  if ((r.exitCode ?? 0) !== 0) {
    throw new EnvironmentError(`kubeadm upgrade apply ${payload.version} failed on ${first} (exit ${r.exitCode}): ${kubeadmFailure(`${r.stdout}\n${r.stderr}`)}`, {
      detail: 'kubeadm rolls its static pods back when apply fails; the kubelets were not touched',
      hint: `the whole output: ${logFile}`,
    });
  }
  if (ctx.dryRun) return undefined;
  const served = await waitUntil(SERVER_READY_SECONDS, async () => {
    const v = await u.kubectl(['version', '-o', 'json']);
    const got = v.exitCode === 0 ? ((JSON.parse(v.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion ?? '') : '';
    return { ok: got === payload.version, detail: `the API server says ${got || 'nothing'}` };
  }, ctx.signal);
  if (!served.ok) throw new EnvironmentError(`after kubeadm upgrade apply the API server does not serve ${payload.version} within ${SERVER_READY_SECONDS} s (${served.detail})`, { hint: `the output: ${logFile}` });
  return payload.version;
}

/** Where each image comes from (archives extracted where kindlab build's image supply keeps them): the archive that names it, else the local docker daemon when it has it. */
async function supplyImages(refs: readonly string[], archives: readonly string[], docker: Docker, stateRoot: string): Promise<Map<string, { kind: 'archive'; file: string } | { kind: 'daemon' }>> {
  const out = new Map<string, { kind: 'archive'; file: string } | { kind: 'daemon' }>();
  if (!refs.length) return out;
  for (const file of archives.length ? archiveFiles([...archives]) : []) {
    for (const image of await readArchive(file, join(stateRoot, 'image-supply', 'archives'))) {
      for (const ref of image.refs) if (refs.includes(ref) && !out.has(ref)) out.set(ref, { kind: 'archive', file });
    }
  }
  for (const ref of refs) if (!out.has(ref) && (await docker.imageInfo(ref))) out.set(ref, { kind: 'daemon' });
  return out;
}
