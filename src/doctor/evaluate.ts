// Pure: turns facts gathered from the machine into doctor findings, each failure with its fix.
import semver from 'semver';
import { MIN_KIND_VERSION } from '../kind/version.js';

export type Status = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  status: Status;
  detail: string;
  fix?: string;
}

export interface Facts {
  docker: { installed: boolean; daemonVersion?: string; error?: string };
  podman?: { installed: boolean; version?: string };
  kind: { installed: boolean; version?: string };
  kubectl: { installed: boolean; version?: string };
  git: { installed: boolean; version?: string };
  freeDiskBytes?: number;
  stateRoot: string;
  cgroup: 'v1' | 'v2' | 'unknown';
  inotify: { maxUserWatches?: number; maxUserInstances?: number };
  labBinDir?: string;
}

const GiB = 1024 ** 3;

/** kindlab itself: its version, the Node it runs on against the versions it supports, where it finds its scenarios and lab. */
export interface SelfFacts {
  version: string;
  packageRoot: string;
  node: string;
  nodeRange: string;
  scenariosDir: string;
  labCache: string;
  labReleases: string[];
}

export function evaluateSelf(s: SelfFacts): Finding[] {
  const nodeOk = semver.satisfies(s.node, s.nodeRange);
  return [
    { check: 'kindlab', status: 'ok', detail: `${s.version} (${s.packageRoot})` },
    nodeOk
      ? { check: 'node', status: 'ok', detail: `${s.node} (kindlab supports ${s.nodeRange})` }
      : { check: 'node', status: 'fail', detail: `${s.node}; kindlab supports ${s.nodeRange}`, fix: `install a Node.js that satisfies ${s.nodeRange}` },
    { check: 'scenarios', status: 'ok', detail: `built-in: ${s.scenariosDir}` },
    s.labReleases.length
      ? { check: 'lab', status: 'ok', detail: `${s.labCache}: ${s.labReleases.join(', ')}` }
      : { check: 'lab', status: 'warn', detail: `${s.labCache}: no release built`, fix: 'kindlab lab build (the local provider runs those binaries)' },
  ];
}

export function evaluate(f: Facts): Finding[] {
  const out: Finding[] = [];
  if (f.docker.daemonVersion) {
    out.push({ check: 'container runtime', status: 'ok', detail: `docker daemon ${f.docker.daemonVersion}` });
  } else if (f.podman?.installed) {
    out.push({ check: 'container runtime', status: 'warn', detail: `docker unavailable; podman ${f.podman.version ?? ''} found`, fix: 'export KIND_EXPERIMENTAL_PROVIDER=podman to use it with kind' });
  } else if (f.docker.installed) {
    out.push({
      check: 'container runtime',
      status: 'fail',
      detail: `docker is installed but the daemon is not reachable${f.docker.error ? `: ${f.docker.error}` : ''}`,
      fix: 'start it (systemctl start docker, or run dockerd as root) and check access to /var/run/docker.sock',
    });
  } else {
    out.push({ check: 'container runtime', status: 'fail', detail: 'neither docker nor podman is installed', fix: 'install Docker (Debian: apt-get install docker.io) or Podman' });
  }

  if (!f.kind.installed) {
    out.push({ check: 'kind', status: 'fail', detail: 'not found on PATH', fix: 'go install sigs.k8s.io/kind@v0.33.0 and add $(go env GOPATH)/bin to PATH' });
  } else if (!f.kind.version || semver.lt(f.kind.version, MIN_KIND_VERSION)) {
    out.push({ check: 'kind', status: 'fail', detail: `version ${f.kind.version ?? 'unknown'} is older than ${MIN_KIND_VERSION}`, fix: 'go install sigs.k8s.io/kind@v0.33.0' });
  } else {
    out.push({ check: 'kind', status: 'ok', detail: `v${f.kind.version}` });
  }

  out.push(
    f.kubectl.installed
      ? { check: 'kubectl', status: 'ok', detail: f.kubectl.version ?? 'installed' }
      : { check: 'kubectl', status: 'warn', detail: 'not found on PATH (scenarios that use kubectl need it; npm run lab builds one)', fix: 'install kubectl, or run npm run lab and use the kubectl in its bin folder' },
  );
  out.push(
    f.git.installed
      ? { check: 'git', status: 'ok', detail: f.git.version ?? 'installed' }
      : { check: 'git', status: 'fail', detail: 'not found on PATH (needed by kindlab build)', fix: 'install git (Debian: apt-get install git)' },
  );

  if (f.freeDiskBytes === undefined) {
    out.push({ check: 'disk', status: 'warn', detail: `cannot read free space at ${f.stateRoot}` });
  } else {
    const gib = f.freeDiskBytes / GiB;
    const detail = `${gib.toFixed(1)} GiB free at ${f.stateRoot}`;
    if (gib < 5) out.push({ check: 'disk', status: 'fail', detail, fix: 'free space: a node image build needs ~10 GiB (docker system prune, or set KINDLAB_HOME elsewhere)' });
    else if (gib < 20) out.push({ check: 'disk', status: 'warn', detail, fix: 'node image builds from source want ~20 GiB free' });
    else out.push({ check: 'disk', status: 'ok', detail });
  }

  if (f.cgroup === 'v2') out.push({ check: 'cgroup', status: 'ok', detail: 'cgroup v2' });
  else if (f.cgroup === 'v1')
    out.push({
      check: 'cgroup',
      status: 'warn',
      detail:
        'cgroup v1: Kubernetes ≥ 1.35 kubelets refuse cgroup v1 by default (KEP-5573), so kindlab sets the kubelet\'s failCgroupV1: false in the kind clusters ≥ 1.35 it creates; scenarios that need cgroup v2 (e.g. user namespaces with kubelet ≥ 1.33) skip',
      fix: 'nothing to do for kindlab clusters; for cgroup v2 boot with systemd.unified_cgroup_hierarchy=1',
    });
  else out.push({ check: 'cgroup', status: 'warn', detail: 'cannot tell the cgroup version' });

  const w = f.inotify.maxUserWatches;
  const i = f.inotify.maxUserInstances;
  if (w === undefined || i === undefined) {
    out.push({ check: 'inotify', status: 'warn', detail: 'cannot read fs.inotify limits' });
  } else if (w < 524288 || i < 512) {
    out.push({
      check: 'inotify',
      status: 'warn',
      detail: `max_user_watches=${w}, max_user_instances=${i}: multi-node kind clusters hit "too many open files"`,
      fix: 'sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512',
    });
  } else {
    out.push({ check: 'inotify', status: 'ok', detail: `max_user_watches=${w}, max_user_instances=${i}` });
  }

  out.push(
    f.labBinDir
      ? { check: 'local provider binaries', status: 'ok', detail: f.labBinDir }
      : { check: 'local provider binaries', status: 'warn', detail: 'none found (needed for --provider local)', fix: 'npm run lab (in the kindlab checkout)' },
  );
  return out;
}
