// Typed wrappers around the kind CLI. Every call is an argv array through the ProcessRunner;
// the installed kind version selects the right command form.
import { EnvironmentError, ProcessError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import { buildNodeImageArgs, buildNodeImageFromTarballArgs, kindTooOld, MIN_KIND_VERSION, parseDefaultBaseImage, parseKindVersion } from './version.js';

export class Kind {
  private cachedVersion?: string;
  constructor(
    private readonly runner: ProcessRunner,
    private readonly signal?: AbortSignal,
    readonly binary = process.env.KINDLAB_KIND ?? 'kind',
  ) {}

  /** The installed kind version; throws with the fix when kind is missing or too old. */
  async requireVersion(): Promise<string> {
    if (this.cachedVersion) return this.cachedVersion;
    let out: string;
    try {
      const r = await this.runner.run(this.binary, ['version'], { signal: this.signal, timeoutMs: 20_000 });
      out = r.stdout;
    } catch (e) {
      if (e instanceof ProcessError && e.processExitCode === undefined) {
        throw new EnvironmentError(`kind is not installed (looked for "${this.binary}" on PATH)`, {
          hint: `install it: go install sigs.k8s.io/kind@v0.33.0 (and put $(go env GOPATH)/bin on PATH), or set KINDLAB_KIND to its path`,
        });
      }
      throw e;
    }
    const v = parseKindVersion(out);
    if (!v) throw new EnvironmentError(`cannot read kind's version from: ${out.trim()}`);
    if (kindTooOld(v)) {
      throw new EnvironmentError(`kind ${v} is too old; kindlab needs kind ≥ ${MIN_KIND_VERSION}`, {
        hint: 'upgrade: go install sigs.k8s.io/kind@v0.33.0',
      });
    }
    this.cachedVersion = v;
    return v;
  }

  /**
   * `kind build node-image` from a source tree (`--type source`) or a server tarball (`--type
   * file`). `env` reaches kind's build container only through the proxy variables kind forwards.
   */
  async buildNodeImage(o: { source: { tree: string } | { tarball: string }; image: string; baseImage?: string; logFile: string; env?: Record<string, string>; kindVersion?: string }): Promise<void> {
    const v = o.kindVersion ?? (await this.requireVersion());
    const args = 'tree' in o.source ? buildNodeImageArgs(v, o.source.tree, o.image, o.baseImage) : buildNodeImageFromTarballArgs(v, o.source.tarball, o.image, o.baseImage);
    await this.runner.run(this.binary, args, { signal: this.signal, logFile: o.logFile, env: o.env });
  }

  /** The base image `kind build node-image` uses when none is given. */
  async defaultBaseImage(): Promise<string | undefined> {
    try {
      const r = await this.runner.run(this.binary, ['build', 'node-image', '--help'], { signal: this.signal, allowFailure: true });
      return parseDefaultBaseImage(r.stdout + r.stderr);
    } catch {
      return undefined; // kind missing: only a --dry-run gets this far
    }
  }

  async createCluster(opts: { name: string; configFile: string; kubeconfig: string; waitSeconds?: number; logFile: string }): Promise<void> {
    const args = ['create', 'cluster', '--name', opts.name, '--config', opts.configFile, '--kubeconfig', opts.kubeconfig];
    if (opts.waitSeconds) args.push('--wait', `${opts.waitSeconds}s`);
    await this.runner.run(this.binary, args, { signal: this.signal, logFile: opts.logFile });
  }

  /** Deletes a kind cluster. Not cancellable: it is what cleanup runs after Ctrl-C. */
  async deleteCluster(name: string, kubeconfig: string, logFile?: string): Promise<void> {
    await this.runner.run(this.binary, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { logFile });
  }

  async loadImages(cluster: string, images: string[], logFile?: string, nodes?: readonly string[]): Promise<void> {
    const only = nodes?.length ? ['--nodes', nodes.join(',')] : [];
    await this.runner.run(this.binary, ['load', 'docker-image', '--name', cluster, ...only, ...images], { signal: this.signal, logFile });
  }

  /** `kind load image-archive`: a `docker save` archive into the nodes' containerd. */
  async loadArchive(cluster: string, file: string, logFile?: string, nodes?: readonly string[]): Promise<void> {
    const only = nodes?.length ? ['--nodes', nodes.join(',')] : [];
    await this.runner.run(this.binary, ['load', 'image-archive', '--name', cluster, ...only, file], { signal: this.signal, logFile });
  }

  async clusters(): Promise<string[]> {
    const r = await this.runner.run(this.binary, ['get', 'clusters'], { signal: this.signal });
    return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  }

  async exportKubeconfig(name: string): Promise<void> {
    await this.runner.run(this.binary, ['export', 'kubeconfig', '--name', name], { signal: this.signal });
  }

  async exportLogs(name: string, dir: string): Promise<void> {
    await this.runner.run(this.binary, ['export', 'logs', dir, '--name', name], { signal: this.signal, allowFailure: true });
  }
}
