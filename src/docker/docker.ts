// Typed wrappers around the docker CLI calls kindlab needs (daemon check, images, labels).
import { EnvironmentError, ProcessError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import { KIND_CLUSTER_LABEL, KIND_ROLE_LABEL } from './labels.js';

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
}

export interface NodeContainer {
  name: string;
  cluster: string;
  /** kind's role label: control-plane, worker (external-load-balancer for HA clusters). */
  role: string;
  /** Host paths mounted into the container (kindlab marks its clusters with a mount from its state folder). */
  mountSources: string[];
}

export class Docker {
  constructor(
    private readonly runner: ProcessRunner,
    private readonly signal?: AbortSignal,
    readonly binary = 'docker',
  ) {}

  /** Throws an EnvironmentError with the fix when the daemon cannot be reached. */
  async requireDaemon(): Promise<string> {
    let r;
    try {
      r = await this.runner.run(this.binary, ['info', '--format', '{{.ServerVersion}}'], { allowFailure: true, signal: this.signal, timeoutMs: 20_000 });
    } catch (e) {
      if (e instanceof ProcessError && e.processExitCode === undefined) {
        throw new EnvironmentError(`${this.binary} is not installed or not on PATH`, {
          hint: 'install Docker (Debian: apt-get install docker.io) or Podman (set KIND_EXPERIMENTAL_PROVIDER=podman)',
        });
      }
      throw e;
    }
    const version = r.stdout.trim();
    if (r.exitCode !== 0 || version === '' || version === '<no value>') {
      throw new EnvironmentError('the Docker daemon is not reachable', {
        detail: (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n'),
        hint: 'start it (systemctl start docker, or `dockerd &` as root) and check that your user may use the socket (docker info)',
      });
    }
    return version;
  }

  /** `docker info` as JSON; undefined when the daemon cannot be reached. */
  async info(): Promise<unknown> {
    const r = await this.runner.run(this.binary, ['info', '--format', '{{json .}}'], { signal: this.signal, allowFailure: true });
    return r.exitCode === 0 ? (JSON.parse(r.stdout) as unknown) : undefined;
  }

  /** The output of one program of an image, run in a throw-away container; undefined when it fails. */
  async runEntrypoint(image: string, entrypoint: string, args: readonly string[]): Promise<string | undefined> {
    const r = await this.runner.run(this.binary, ['run', '--rm', '--entrypoint', entrypoint, image, ...args], { signal: this.signal, allowFailure: true, timeoutMs: 30_000 });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  async imageInfo(ref: string): Promise<ImageInfo | undefined> {
    const r = await this.runner.run(this.binary, ['image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', ref], {
      allowFailure: true,
      signal: this.signal,
    });
    if (r.exitCode !== 0) return undefined;
    const line = r.stdout.trim();
    const space = line.indexOf(' ');
    const labels = JSON.parse(line.slice(space + 1)) as Record<string, string> | null;
    return { id: line.slice(0, space), labels: labels ?? {} };
  }

  async saveImage(ref: string, file: string): Promise<void> {
    await this.runner.run(this.binary, ['save', '-o', file, ref], { signal: this.signal });
  }

  /**
   * A new image from `source` with files replaced and config changes applied (`docker create` +
   * `docker cp` + `docker commit`; nothing runs in the container).
   */
  async deriveImage(source: string, target: string, o: { files?: Array<{ from: string; to: string }>; changes?: string[] }): Promise<void> {
    const created = await this.runner.run(this.binary, ['create', source], { signal: this.signal });
    const id = created.stdout.trim() || '<container-id>'; // placeholder in --dry-run output
    try {
      for (const f of o.files ?? []) await this.runner.run(this.binary, ['cp', f.from, `${id}:${f.to}`], { signal: this.signal });
      const changes = (o.changes ?? []).flatMap((c) => ['--change', c]);
      await this.runner.run(this.binary, ['commit', ...changes, id, target], { signal: this.signal });
    } finally {
      await this.runner.run(this.binary, ['rm', '-f', id], { allowFailure: true });
    }
  }

  /** Copies a file out of an image (undefined when the image does not have it). */
  async readImageFile(image: string, path: string, to: string): Promise<boolean> {
    const created = await this.runner.run(this.binary, ['create', image], { signal: this.signal });
    const id = created.stdout.trim();
    try {
      const r = await this.runner.run(this.binary, ['cp', `${id}:${path}`, to], { signal: this.signal, allowFailure: true });
      return r.exitCode === 0;
    } finally {
      await this.runner.run(this.binary, ['rm', '-f', id], { allowFailure: true });
    }
  }

  /** The gateway address of docker's default bridge: where containers on it reach the host. */
  async bridgeGateway(): Promise<string | undefined> {
    const r = await this.runner.run(this.binary, ['network', 'inspect', 'bridge', '--format', '{{range .IPAM.Config}}{{.Gateway}}|{{.Subnet}} {{end}}'], {
      signal: this.signal,
      allowFailure: true,
    });
    return bridgeGatewayOf(r.stdout);
  }

  /** The cgroup version of the host the daemon runs containers on ("1" or "2"). */
  async cgroupVersion(): Promise<string | undefined> {
    const r = await this.runner.run(this.binary, ['info', '--format', '{{.CgroupVersion}}'], { signal: this.signal, allowFailure: true });
    const v = r.stdout.trim();
    return r.exitCode === 0 && /^[12]$/.test(v) ? v : undefined;
  }

  async removeImage(ref: string): Promise<void> {
    await this.runner.run(this.binary, ['image', 'rm', '--', ref], { allowFailure: true });
  }

  async listImages(labelFilter: string): Promise<Array<{ ref: string; id: string; created: string }>> {
    const r = await this.runner.run(
      this.binary,
      ['image', 'ls', '--filter', `label=${labelFilter}`, '--format', '{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.CreatedAt}}'],
      { signal: this.signal },
    );
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [ref = '', id = '', created = ''] = l.split('\t');
        return { ref, id, created };
      });
  }

  /** Containers kind created (any cluster), with their mount sources. */
  async kindNodes(): Promise<NodeContainer[]> {
    const ps = await this.runner.run(this.binary, ['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', '{{.Names}}'], {
      signal: this.signal,
    });
    const names = ps.stdout.split('\n').filter(Boolean);
    if (names.length === 0) return [];
    const inspect = await this.runner.run(
      this.binary,
      ['inspect', '--format', `{{.Name}}\t{{index .Config.Labels "${KIND_CLUSTER_LABEL}"}}\t{{range .Mounts}}{{.Source}};{{end}}\t{{index .Config.Labels "${KIND_ROLE_LABEL}"}}`, ...names],
      { signal: this.signal, allowFailure: true },
    );
    return inspect.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name = '', cluster = '', mounts = '', role = ''] = l.split('\t');
        return { name: name.replace(/^\//, ''), cluster, role, mountSources: mounts.split(';').filter(Boolean) };
      });
  }

  /** Names of containers whose names start with a prefix (to clean up kind's build containers). */
  async containersNamed(prefix: string): Promise<string[]> {
    const r = await this.runner.run(this.binary, ['ps', '-a', '--filter', `name=^${prefix}`, '--format', '{{.Names}}'], {
      allowFailure: true,
    });
    return r.stdout.split('\n').filter(Boolean);
  }

  async removeContainers(names: string[]): Promise<void> {
    if (names.length) await this.runner.run(this.binary, ['rm', '-f', ...names], { allowFailure: true });
  }
}

/**
 * The bridge's gateway from `Gateway|Subnet` pairs. The default bridge often reports no gateway;
 * docker then gives the bridge the subnet's first address, so that is where containers reach the host.
 */
export function bridgeGatewayOf(pairs: string): string | undefined {
  for (const pair of pairs.trim().split(/\s+/)) {
    const [gateway = '', subnet = ''] = pair.split('|');
    if (/^\d+\.\d+\.\d+\.\d+$/.test(gateway)) return gateway;
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(subnet);
    if (m) return `${m[1]}.${m[2]}.${m[3]}.${Number(m[4]) + 1}`;
  }
  return undefined;
}
