// Real `kind build node-image` from the lab's Kubernetes checkout (a real k8s.io/kubernetes tree
// assembled from the Go module proxy, tagged v1.37.2), with the go builder and the image supply:
// no registry is reachable here, so every image kind fetches must come from --images.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docker, kindlabBin } from '../helpers/env.js';
import { buildArgs, env, ensureNodeImage, kindlabLong, labNode, leftovers, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { unavailable } from '../helpers/unavailable.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('real kind build', whyNotReady);

d('kindlab build with the real kind, offline', () => {
  const lab = labNode!;

  it('builds a labelled node image of the lab release, then hits the cache', () => {
    const before = leftovers();
    const image = ensureNodeImage(lab);
    expect(image).toBe(`kindlab/node:${lab.version}`);
    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', image)) as Record<string, string>;
    expect(labels['io.kindlab.managed']).toBe('true');
    expect(labels['io.kindlab.describe']).toBe(lab.version);
    // What kind assembled: its version file, and the binaries our go build stamped.
    expect(docker('run', '--rm', '--entrypoint', 'cat', image, '/kind/version')).toBe(lab.version);
    expect(docker('run', '--rm', '--entrypoint', '/usr/bin/kubelet', image, '--version')).toBe(`Kubernetes ${lab.version}`);
    // The base image's CA bundle is back: the supply's CA was only trusted during the build.
    const bundle = (img: string): string => docker('run', '--rm', '--entrypoint', 'sha256sum', img, '/etc/ssl/certs/ca-certificates.crt').split(' ')[0]!;
    expect(bundle(image)).toBe(bundle(lab.baseImage));
    expect(docker('images', '--format', '{{.Repository}}', 'kindlab/build-base')).toBe('');
    expect(leftovers()).toMatchObject({ worktrees: before.worktrees, builds: before.builds, containers: before.containers });

    const again = kindlabLong([...buildArgs(lab), '-o', 'json']);
    expect(again.code).toBe(0);
    const hit = JSON.parse(again.stdout) as { cacheHit: boolean; seconds: number };
    expect(hit.cacheHit).toBe(true);
    expect(hit.seconds).toBeLessThan(5);
  });

  it('fails naming the image --images did not supply, and keeps the image it had', () => {
    ensureNodeImage(lab);
    const partial = mkdtempSync(join(tmpdir(), 'kl-images-'));
    let etcdRef = '';
    for (const f of readdirSync(lab.imagesDir).filter((n) => n.endsWith('.tar'))) {
      const tags = execFileSync('tar', ['-xOf', join(lab.imagesDir, f), 'manifest.json'], { encoding: 'utf8' });
      if (/\/etcd:/.test(tags)) etcdRef = (JSON.parse(tags) as Array<{ RepoTags: string[] }>)[0]!.RepoTags[0]!;
      else cpSync(join(lab.imagesDir, f), join(partial, f));
    }
    expect(etcdRef).toMatch(/\/etcd:/);
    // The supply also answers from the local docker daemon: hide the lab's etcd tag meanwhile.
    const held = 'kindlab-test/held:etcd';
    const tagged = docker('images', '-q', etcdRef) !== '';
    if (tagged) {
      docker('tag', etcdRef, held);
      docker('rmi', etcdRef);
    }
    try {
      const before = leftovers();
      const r = kindlabLong(['build', lab.version, '--kube-root', lab.kubeRoot, '--base-image', lab.baseImage, '--images', partial, '--force']);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('that --images did not supply');
      expect(r.stderr).toContain(etcdRef.split('/').slice(1).join('/'));
      expect(leftovers()).toMatchObject({ worktrees: before.worktrees, builds: before.builds, containers: before.containers, systemTemp: before.systemTemp });
      expect(docker('images', '-q', `kindlab/node:${lab.version}`)).not.toBe('');
    } finally {
      if (tagged) {
        docker('tag', held, etcdRef);
        docker('rmi', held);
      }
      rmSync(partial, { recursive: true, force: true });
    }
  });

  it('stops on Ctrl-C during the Go build and leaves no worktree, scratch folder, container or process', async () => {
    const before = leftovers();
    const child = spawn(process.execPath, [kindlabBin, ...buildArgs(lab, ['--force'])], { env: { ...process.env, NO_COLOR: '1', ...env() } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const started = Date.now();
    while (!/go build/.test(stderr) && Date.now() - started < 300_000) await new Promise((r) => setTimeout(r, 250));
    expect(stderr).toMatch(/go build/);
    await new Promise((r) => setTimeout(r, 3000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    await new Promise((r) => setTimeout(r, 2000));
    expect(leftovers()).toEqual(before);
    expect(readFileSync(join(tierHome, 'images', readdirSync(join(tierHome, 'images'))[0]!), 'utf8')).toContain(lab.version);
  });
});
