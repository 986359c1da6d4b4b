// A kind cluster upgraded the way kubeadm's own procedure does it, with kindlab's build of the
// target instead of packages and a registry: the new kubeadm copied into every node; the target's
// control-plane and kube-proxy images (packed from the new binaries, tagged as kubeadm names them
// in the cluster's image repository) imported into every node's containerd; etcd, CoreDNS and
// pause checked present beforehand; then `kubeadm upgrade apply` on the first control-plane node,
// `kubeadm upgrade node` on every other, and each node's kubelet replaced and Ready at the new
// version (control plane first). Nodes are not drained: a kubelet restart keeps their pods running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker } from '../../../docker/docker.js';
import { EnvironmentError } from '../../../errors.js';
import { Kind } from '../../../kind/driver.js';
import { readArchive } from '../../../images/archive.js';
import { archiveFiles } from '../../../images/supply.js';
import { manifestImage } from '../../../reload/static-pod.js';
import { withComponentImages } from '../../../source/component-image.js';
import { componentImageRefs, IMAGE_COMPONENTS } from '../../../source/release-layout.js';
import type { ClusterRecord } from '../../../state/records.js';
import { imageRepository, imagesForRole, imagesListArgs, kubeadmFailure, missingImages, upgradeApplyArgs, upgradeNodeArgs } from '../../../upgrade/kubeadm.js';
import type { UpgradeContext, UpgradePayload, UpgradeStepDone } from '../../provider.js';
import { replaceKubelet } from '../reload/kubelet.js';
import { nodeKubectl, nodeRunner, waitUntil } from '../reload/node-shell.js';

const KUBEADM = '/usr/bin/kubeadm';
/**
 * A kind node is a container: kubeadm's SystemVerification reads the docker host's kernel and
 * cgroups, and on a cgroup v1 host refuses Kubernetes ≥ 1.35 although the kubelet runs with
 * failCgroupV1: false. kind skips every preflight check at init and join; the upgrade skips only this one.
 */
const IGNORE_PREFLIGHT = ['SystemVerification'];
const SERVER_READY_SECONDS = 120;

export async function upgradeKindCluster(rec: ClusterRecord, payload: UpgradePayload, ctx: UpgradeContext): Promise<UpgradeStepDone[]> {
  const docker = new Docker(ctx.runner, ctx.signal);
  const nodes = (await docker.kindNodes()).filter((n) => n.cluster === rec.name);
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane').map((n) => n.name).sort();
  const workers = nodes.filter((n) => n.role !== 'control-plane' && n.role !== 'external-load-balancer').map((n) => n.name).sort();
  const [first] = controlPlanes;
  if (!first) throw new EnvironmentError(`kind cluster ${rec.name} has no control-plane node container running`, { hint: `kindlab ls; kindlab down ${rec.name}` });
  const all = [...controlPlanes, ...workers];
  const run = nodeRunner(ctx);
  const kubectl = nodeKubectl(run, first);
  const logFile = join(ctx.store.paths.logs, `upgrade-${rec.name}-${Date.now()}.log`);
  const done: UpgradeStepDone[] = [];
  const step = async (name: string, where: string, fn: () => Promise<string | undefined | void>): Promise<void> => {
    ctx.onStep(name, where);
    const t = performance.now();
    const version = await ctx.phases.run(`${name} on ${where}`, fn);
    const s: UpgradeStepDone = { step: name, where, seconds: (performance.now() - t) / 1000, ...(version ? { version } : {}) };
    done.push(s);
    ctx.onDone(s);
  };

  // What kubeadm will look for, in the repository the cluster's images come from.
  const repository = imageRepository(manifestImage((await run(first, ['cat', '/etc/kubernetes/manifests/kube-apiserver.yaml'])).stdout));
  const listed = ctx.dryRun
    ? `${IMAGE_COMPONENTS.map((c) => `${repository}/${c}:${payload.version.replace(/\+/g, '_')}`).join('\n')}\n`
    : (await ctx.runner.run(join(payload.binDir, 'kubeadm'), imagesListArgs(payload.version, repository), { signal: ctx.signal })).stdout;
  const ours = componentImageRefs(listed);
  const theirs = listed.split('\n').map((l) => l.trim()).filter((l) => l && !Object.values(ours).includes(l));
  // etcd, CoreDNS and pause of the target: from --images archives or the local daemon where a node
  // lacks them (nothing can be pulled), all found before the cluster is touched.
  const lacking = new Map<string, string[]>();
  if (!ctx.dryRun) {
    for (const node of all) {
      const needs = imagesForRole(theirs, controlPlanes.includes(node) ? 'control-plane' : 'worker');
      for (const ref of missingImages(needs, (await run(node, ['crictl', 'images', '-o', 'json'])).stdout)) lacking.set(ref, [...(lacking.get(ref) ?? []), node]);
    }
  }
  const supply = await supplyImages([...lacking.keys()], payload.imageArchives, docker, ctx.store.paths.root);
  const unsupplied = [...lacking.keys()].filter((ref) => !supply.has(ref));
  if (unsupplied.length) {
    throw new EnvironmentError(`the nodes lack ${unsupplied.join(', ')}, which ${payload.version}'s kubeadm needs, and nothing can pull here`, {
      detail: `nothing was changed (${unsupplied.map((r) => `${r}: missing on ${lacking.get(r)!.join(', ')}`).join('; ')})`,
      hint: '--images <docker save archive or folder of them> supplies them (the lab keeps the release\'s in lab-node.env IMAGES_DIR), as does having them in the local docker daemon',
    });
  }
  for (const [ref, from] of supply) {
    await step(`load ${ref} (from ${from.kind === 'archive' ? from.file : 'the local docker daemon'})`, lacking.get(ref)!.join(', '), () =>
      from.kind === 'archive' ? new Kind(ctx.runner, ctx.signal).loadArchive(rec.name, from.file, logFile, lacking.get(ref)) : new Kind(ctx.runner, ctx.signal).loadImages(rec.name, [ref], logFile, lacking.get(ref)),
    );
  }

  const images = IMAGE_COMPONENTS.map((c) => ours[c]);
  const workDir = mkdtempSync(join(tmpdir(), 'kindlab-upgrade-'));
  try {
    await step(`load ${images.join(', ')}`, all.join(', '), () =>
      ctx.dryRun
        ? Promise.resolve(ctx.phases.note(`then: each image packed from ${payload.binDir}/<component> (kube-proxy on ${payload.kubeProxyBase}), kind load docker-image --name ${rec.name} --nodes ${all.join(',')} ${images.join(' ')}`))
        : withComponentImages(
        IMAGE_COMPONENTS.map((c) => ({ component: c, ref: ours[c], binary: join(payload.binDir, c), workDir, kubeProxyBase: payload.kubeProxyBase })),
        { docker, runner: ctx.runner, signal: ctx.signal },
        () => new Kind(ctx.runner, ctx.signal).loadImages(rec.name, images, logFile, all),
      ),
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  await step(`kubeadm ${payload.version} into ${KUBEADM}`, all.join(', '), async () => {
    for (const node of all) {
      await ctx.runner.run('docker', ['cp', join(payload.binDir, 'kubeadm'), `${node}:${KUBEADM}.kindlab-new`], { signal: ctx.signal });
      await run(node, ['mv', '-f', `${KUBEADM}.kindlab-new`, KUBEADM]);
    }
  });

  await step('kubeadm upgrade apply', first, async () => {
    const r = await ctx.runner.run('docker', ['exec', first, 'kubeadm', ...upgradeApplyArgs(payload.version, { experimental: payload.experimental, rebuild: payload.rebuild, ignorePreflight: IGNORE_PREFLIGHT })], { signal: ctx.signal, logFile, allowFailure: true });
    if ((r.exitCode ?? 0) !== 0) {
      throw new EnvironmentError(`kubeadm upgrade apply ${payload.version} failed on ${first} (exit ${r.exitCode}): ${kubeadmFailure(`${r.stdout}\n${r.stderr}`)}`, {
        detail: 'kubeadm rolls its static pods back when apply fails; the kubelets were not touched',
        hint: `the whole output: ${logFile}`,
      });
    }
    if (ctx.dryRun) return undefined;
    const served = await waitUntil(SERVER_READY_SECONDS, async () => {
      const v = await kubectl(['version', '-o', 'json']);
      const got = v.exitCode === 0 ? ((JSON.parse(v.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion ?? '') : '';
      return { ok: got === payload.version, detail: `the API server says ${got || 'nothing'}` };
    }, ctx.signal);
    if (!served.ok) throw new EnvironmentError(`after kubeadm upgrade apply the API server does not serve ${payload.version} within ${SERVER_READY_SECONDS} s (${served.detail})`, { hint: `the output: ${logFile}` });
    return payload.version;
  });
  for (const node of controlPlanes.slice(1)) {
    await step('kubeadm upgrade node', node, async () => {
      await ctx.runner.run('docker', ['exec', node, 'kubeadm', ...upgradeNodeArgs(IGNORE_PREFLIGHT)], { signal: ctx.signal, logFile });
    });
  }
  if (payload.kubeletsStay) return done;
  for (const node of all) {
    // The first control-plane node's kubelet config was rewritten by `upgrade apply`.
    if (workers.includes(node)) {
      await step('kubeadm upgrade node', node, async () => {
        await ctx.runner.run('docker', ['exec', node, 'kubeadm', ...upgradeNodeArgs(IGNORE_PREFLIGHT)], { signal: ctx.signal, logFile });
      });
    }
    await step(`kubelet ${payload.version}`, node, async () => {
      await replaceKubelet({ node, binary: join(payload.binDir, 'kubelet'), version: payload.version, run, kubectl }, ctx);
      return payload.version;
    });
  }
  return done;
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
