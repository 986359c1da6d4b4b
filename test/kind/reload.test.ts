// `kindlab reload` on a real kind cluster (control plane + 1 worker) from the lab's node image:
// one-file edits to a clone of the lab's Kubernetes checkout — a log line at kubelet start, a
// warning the API server returns on ConfigMap create, a log line at kube-proxy start — built with the Go build cache and put into
// the running cluster; the nodes and the API then show the edited builds, and a scenario runs on
// them. Ctrl-C in the middle of a reload leaves a cluster `ls` describes and `down` removes. The
// same edit reloaded into a local cluster's API server process.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, kindlabBin, realKind } from '../helpers/env.js';
import { env, ensureNodeImage, kindlabLong, labNode, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { unavailable } from '../helpers/unavailable.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('real kind clusters', whyNotReady);

const KUBELET_FILE = 'pkg/kubelet/kubelet.go';
const KUBELET_MARKER = 'kindlab-reload-test: this kubelet was built from an edited tree';
const APISERVER_FILE = 'pkg/registry/core/configmap/strategy.go';
const APISERVER_WARNING = 'kindlab-reload-test: this API server was built from an edited tree';
const PROXY_FILE = 'cmd/kube-proxy/app/server.go';
const PROXY_MARKER = 'kindlab-reload-test: this kube-proxy was built from an edited tree';
const KUBECTL_FILE = 'staging/src/k8s.io/kubectl/pkg/cmd/create/create_token.go';
const KUBECTL_REFUSAL = 'kindlab-reload-test: this kubectl was built from an edited tree';

d('kindlab reload on a kind cluster', () => {
  const name = `reload-${process.pid.toString(36)}`;
  let tree = '';
  const kubectl = (...a: string[]): string => docker('exec', `${name}-control-plane`, 'kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', ...a);
  const kubeletVersions = (): string[] => kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].status.nodeInfo.kubeletVersion}').split(' ').sort();
  const record = (): { reloads?: Array<{ replaced: Array<{ component: string; where: string; version: string }> }>; source?: { describe: string }; reloading?: unknown } =>
    JSON.parse(readFileSync(join(tierHome, 'clusters', name, 'cluster.json'), 'utf8'));
  const edit = (file: string, from: string | RegExp, to: string): void => {
    const path = join(tree, file);
    const before = readFileSync(path, 'utf8');
    const after = before.replace(from, to);
    if (after === before) throw new Error(`the edit of ${file} changed nothing: the file no longer has ${String(from)}`);
    writeFileSync(path, after);
  };
  const versionOf = (out: string): string => /→ (v\S+)/.exec(out)?.[1] ?? '';

  beforeAll(() => {
    const image = ensureNodeImage(labNode!);
    // A clone that shares the lab checkout's objects: the test's edits never touch the lab's tree.
    tree = mkdtempSync(join(tmpdir(), 'kindlab-reload-tree-'));
    execFileSync('git', ['clone', '-q', '--shared', labNode!.kubeRoot, tree]);
    const up = kindlabLong(['up', '--name', name, '--image', image, '--workers', '1', '--wait', '180s']);
    if (up.code !== 0) throw new Error(`kindlab up failed (${up.code}):\n${up.stderr.slice(-3000)}`);
    kubectl('wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s');
  });
  afterAll(() => {
    spawnSync(realKind, ['delete', 'cluster', '--name', name, '--kubeconfig', join(tierHome, 'scratch-kubeconfig')], { stdio: 'ignore' });
    rmSync(join(tierHome, 'clusters', name), { recursive: true, force: true });
    if (tree) rmSync(tree, { recursive: true, force: true });
  });

  it('an unchanged tree reloads nothing; a component it cannot replace is a usage error', () => {
    const same = kindlabLong(['reload', '--cluster', name, '--kube-root', tree]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/nothing to reload: cluster ".*" already runs v1\.37\.2: no file differs/);
    const bad = kindlabLong(['reload', '--cluster', name, '--kube-root', tree, 'kube-proxyy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/kube-proxyy: not a component kindlab reload can replace/);
  });

  it('a kubelet edit: only the kubelet is built and replaced on both nodes, which log the new line, keep failCgroupV1, and run grpc-probe', () => {
    edit(KUBELET_FILE, /(func \(kl \*Kubelet\) Run\(ctx context\.Context, updates <-chan kubetypes\.PodUpdate\) \{\n\tlogger := klog\.FromContext\(ctx\)\n)/, `$1\tlogger.Info(${JSON.stringify(KUBELET_MARKER)})\n`);
    const report = join(tierHome, `${name}-kubelet-report.json`);
    const r = kindlabLong(['reload', '--cluster', name, '--kube-root', tree, '--run', 'grpc-probe', '--json', report]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const version = versionOf(r.stdout);
    expect(version).toMatch(/^v1\.37\.2-dirty-[0-9a-f]{8}$/);
    expect(r.stdout).toContain(`kubelet: ${KUBELET_FILE}`);
    expect(r.stdout).not.toMatch(/kube-apiserver/);
    expect(kubeletVersions()).toEqual([version, version]);
    for (const node of [`${name}-control-plane`, `${name}-worker`]) {
      expect(docker('exec', node, 'sh', '-c', 'journalctl -u kubelet --no-pager -o cat')).toContain(KUBELET_MARKER);
    }
    if (docker('info', '--format', '{{.CgroupVersion}}') === '1') {
      const configz = JSON.parse(kubectl('get', '--raw', `/api/v1/nodes/${name}-worker/proxy/configz`)) as { kubeletconfig: { failCgroupV1?: boolean } };
      expect(configz.kubeletconfig.failCgroupV1).toBe(false);
    }
    const results = (JSON.parse(readFileSync(report, 'utf8')) as { results: Array<{ id: string; status: string }> }).results;
    expect(results.map((x) => [x.id, x.status])).toEqual([['grpc-probe', 'passed']]);
    expect(record().source?.describe).toBe(version);
    expect(record().reloads?.at(-1)?.replaced.map((x) => [x.component, x.where, x.version])).toEqual([
      ['kubelet', `${name}-control-plane`, version],
      ['kubelet', `${name}-worker`, version],
    ]);
  });

  it('an API server edit on top: the API server (and the controller manager, which builds the same package) replaced, the kubelets left alone, the new warning seen through the API', () => {
    const kubeletsBefore = kubeletVersions();
    edit(APISERVER_FILE, /func \(strategy\) WarningsOnCreate\(ctx context\.Context, obj runtime\.Object\) \[\]string \{ return nil \}/, `func (strategy) WarningsOnCreate(ctx context.Context, obj runtime.Object) []string {\n\treturn []string{${JSON.stringify(APISERVER_WARNING)}}\n}`);
    const r = kindlabLong(['reload', '--cluster', name, '--kube-root', tree]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const version = versionOf(r.stdout);
    expect(r.stdout).toContain(`kube-apiserver: ${APISERVER_FILE}`);
    expect(r.stdout).toContain(`kube-controller-manager: ${APISERVER_FILE}`);
    expect(r.stdout).not.toMatch(/^ {2}kubelet:/m);
    expect(kubeletVersions()).toEqual(kubeletsBefore);
    expect((JSON.parse(kubectl('get', '--raw', '/version')) as { gitVersion: string }).gitVersion).toBe(version);
    const create = spawnSync('docker', ['exec', `${name}-control-plane`, 'kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'create', 'configmap', 'reload-probe'], { encoding: 'utf8' });
    expect(create.status, create.stderr).toBe(0);
    expect(create.stderr).toContain(`Warning: ${APISERVER_WARNING}`);
    const ls = JSON.parse(kindlabLong(['ls', '-o', 'json']).stdout) as { clusters: Array<{ name: string; observed: string; note?: string }> };
    expect(ls.clusters.find((c) => c.name === name)).toMatchObject({ observed: 'ready', note: `runs ${version}` });
  });

  it('a kube-proxy edit: only kube-proxy is built, its DaemonSet runs the new build on both nodes, which log the new line', () => {
    edit(PROXY_FILE, /(\tlogger\.Info\("Version info", "version", version\.Get\(\)\)\n)/, `$1\tlogger.Info(${JSON.stringify(PROXY_MARKER)})\n`);
    const r = kindlabLong(['reload', '--cluster', name, '--kube-root', tree, '--base-image', labNode!.baseImage]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const version = versionOf(r.stdout);
    expect(r.stdout).toContain(`kube-proxy: ${PROXY_FILE}`);
    expect(r.stdout).not.toMatch(/^ {2}(kubelet|kube-apiserver|kube-controller-manager|kube-scheduler):/m);
    expect(r.stdout).toMatch(new RegExp(`kube-proxy\\s+${name}-control-plane, ${name}-worker\\s+${version.replace(/\./g, '\\.')}`));
    const image = kubectl('-n', 'kube-system', 'get', 'daemonset', 'kube-proxy', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(image.endsWith(`:${version}`)).toBe(true);
    for (const node of [`${name}-control-plane`, `${name}-worker`]) {
      expect(docker('exec', node, 'sh', '-c', 'crictl logs $(crictl ps --name "^kube-proxy$" --state running -q | head -1) 2>&1')).toContain(PROXY_MARKER);
    }
  });

  it('Ctrl-C while the kubelets are being replaced: ls says which component may be between builds, the next reload finishes the job, down removes the cluster', async () => {
    const child = spawn(process.execPath, [kindlabBin, 'reload', '--cluster', name, '--kube-root', tree, 'kubelet'], { env: { ...process.env, NO_COLOR: '1', ...env() } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const started = Date.now();
    const replacing = (): boolean => {
      const r = record().reloading as { replacing?: unknown[] } | undefined;
      return Boolean(r?.replacing?.length);
    };
    while (!replacing() && Date.now() - started < 120_000) await new Promise((res) => setTimeout(res, 100));
    expect(replacing(), stderr).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect(code, stderr).toBe(130);
    const row = (JSON.parse(kindlabLong(['ls', '-o', 'json']).stdout) as { clusters: Array<{ name: string; observed: string; note?: string }> }).clusters.find((c) => c.name === name)!;
    expect(row.observed).toBe('reload-interrupted');
    expect(row.note).toMatch(/kubelet on .* may run either build/);

    const again = kindlabLong(['reload', '--cluster', name, '--kube-root', tree, 'kubelet']);
    expect(again.code, again.stderr).toBe(0);
    expect(record().reloading).toBeUndefined();
    const down = kindlabLong(['down', name]);
    expect(down.code, down.stderr).toBe(0);
    expect(docker('ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', '{{.Names}}')).toBe('');
    expect(existsSync(join(tierHome, 'clusters', name))).toBe(false);
  });

  it('the local provider: the API server and controller manager processes restarted from the edited build with its flags, the warning seen, the next reload compares against it, --watch reloads a save, a kubectl edit reaches the scenarios, down stops the new process', async () => {
    const local = `${name}-local`;
    const up = kindlabLong(['up', '--provider', 'local', '--name', local]);
    expect(up.code, up.stderr).toBe(0);
    try {
      const unknown = kindlabLong(['reload', '--cluster', local, '--kube-root', tree]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/does not know which Kubernetes tree cluster .* runs/);
      expect(kindlabLong(['reload', '--cluster', local, '--kube-root', tree, 'kubelet']).stderr).toMatch(/the cluster runs no kubelet/);

      // Every component the cluster runs, named: it then runs one tree, the next reload's baseline.
      const r = kindlabLong(['reload', '--cluster', local, '--kube-root', tree, 'kube-apiserver', 'kube-controller-manager']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const version = versionOf(r.stdout);
      const kubeconfig = join(tierHome, 'clusters', local, 'kubeconfig');
      const k = (...a: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...a], { encoding: 'utf8' });
      expect((JSON.parse(k('get', '--raw', '/version').stdout) as { gitVersion: string }).gitVersion).toBe(version);
      const create = k('create', 'configmap', 'reload-probe');
      expect(create.status, create.stderr).toBe(0);
      expect(create.stderr).toContain(`Warning: ${APISERVER_WARNING}`);
      const pid = (JSON.parse(readFileSync(join(tierHome, 'clusters', local, 'cluster.json'), 'utf8')) as { providerState: { processes: Array<{ component: string; pid: number }> } }).providerState.processes.find((p) => p.component === 'kube-apiserver')!.pid;
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/reload-binaries\/.*\/bin\/kube-apiserver$/);

      const again = kindlabLong(['reload', '--cluster', local, '--kube-root', tree]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/nothing to reload: cluster ".*" already runs v1\.37\.2-dirty-[0-9a-f]{8}: no file differs/);

      // --watch: a save to a file the API server is built from reloads it; Ctrl-C ends the watch
      // with the last cycle's exit code.
      const watch = spawn(process.execPath, [kindlabBin, 'reload', '--cluster', local, '--kube-root', tree, '--watch'], { env: { ...process.env, NO_COLOR: '1', ...env() } });
      let out = '';
      let err = '';
      watch.stdout.on('data', (b: Buffer) => (out += b.toString()));
      watch.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const until = async (what: () => boolean, seconds: number): Promise<void> => {
        const t0 = Date.now();
        while (!what() && Date.now() - t0 < seconds * 1000) await new Promise((res) => setTimeout(res, 200));
        expect(what(), `${out}\n${err}`).toBe(true);
      };
      await until(() => /watching \d+ folders/.test(err), 60);
      expect(out).toMatch(/nothing to reload/);
      const saved = `${APISERVER_WARNING} (saved while watching)`;
      edit(APISERVER_FILE, APISERVER_WARNING, saved);
      await until(() => /reloaded in/.test(out), 300);
      expect(out).toContain(`kube-apiserver: ${APISERVER_FILE}`);
      expect(k('create', 'configmap', 'reload-watch-probe').stderr).toContain(`Warning: ${saved}`);
      watch.kill('SIGINT');
      expect(await new Promise<number | null>((res) => watch.on('exit', res)), err).toBe(0);

      // kubectl is rebuilt when the change touches it, and the runs against the cluster use it:
      // a `kubectl create token` that refuses makes the create-token scenario fail with its message.
      edit(KUBECTL_FILE, 'func (o *TokenOptions) Run() error {\n', `func (o *TokenOptions) Run() error {\n\treturn fmt.Errorf(${JSON.stringify(KUBECTL_REFUSAL)})\n`);
      const report = join(tierHome, `${local}-kubectl-report.json`);
      const withKubectl = kindlabLong(['reload', '--cluster', local, '--kube-root', tree, '--run', 'create-token', '--json', report]);
      expect(withKubectl.stdout).toContain(`kubectl: ${KUBECTL_FILE}`);
      expect(withKubectl.stdout).not.toMatch(/^ {2}kube-apiserver:/m);
      expect(withKubectl.code, withKubectl.stdout + withKubectl.stderr).toBe(1);
      const result = (JSON.parse(readFileSync(report, 'utf8')) as { results: Array<{ id: string; status: string; message?: string }> }).results[0]!;
      expect([result.id, result.status]).toEqual(['create-token', 'failed']);
      expect(result.message).toContain(KUBECTL_REFUSAL);
      expect(kindlabLong(['down', local]).code).toBe(0);
      // gone, or a zombie whose parent (the reload command, exited) left it to init to reap
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      expect(stat === '' || /\) [ZX] /.test(stat), stat).toBe(true);
    } finally {
      kindlabLong(['down', local]);
    }
  });
});
