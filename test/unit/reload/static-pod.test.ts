// A kubeadm static pod manifest pointed at another build's image (kubeadm's tag rule: "+" → "_").
import { describe, expect, it } from 'vitest';
import { componentImage, manifestImage, readinessUrl, withImage } from '../../../src/reload/static-pod.js';

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --feature-gates=GRPCContainerProbeTLS=true
    image: registry.k8s.io/kube-apiserver:v1.37.2
    imagePullPolicy: IfNotPresent
    name: kube-apiserver
  hostNetwork: true
`;

describe('static pod manifests', () => {
  it('names the image kubeadm would give the new version, in the same repository', () => {
    expect(componentImage('registry.k8s.io/kube-apiserver:v1.37.2', 'v1.37.2-2+9b77a03dfc08f5-dirty-0a1b2c3d')).toBe('registry.k8s.io/kube-apiserver:v1.37.2-2_9b77a03dfc08f5-dirty-0a1b2c3d');
    expect(componentImage('localhost:5000/k8s/kube-scheduler@sha256:abc', 'v1.37.2-dirty-0a1b2c3d')).toBe('localhost:5000/k8s/kube-scheduler:v1.37.2-dirty-0a1b2c3d');
  });
  it('changes the image and nothing else', () => {
    const out = withImage(MANIFEST, 'registry.k8s.io/kube-apiserver:v1.37.2-dirty-0a1b2c3d');
    expect(manifestImage(out)).toBe('registry.k8s.io/kube-apiserver:v1.37.2-dirty-0a1b2c3d');
    expect(out.replace('v1.37.2-dirty-0a1b2c3d', 'v1.37.2')).toBe(MANIFEST);
  });
  it('refuses a manifest without a container image', () => {
    expect(() => withImage('apiVersion: v1\nkind: Pod\nspec: {}\n', 'x:y')).toThrow(/spec.containers\[0\].image/);
  });
});

describe('readinessUrl', () => {
  const manifest = (probes: string): string => `apiVersion: v1
kind: Pod
spec:
  containers:
  - name: kube-scheduler
    image: registry.k8s.io/kube-scheduler:v1.37.2
    ports:
    - containerPort: 10259
      name: probe-port
${probes}`;
  it('takes the readiness probe, resolving a named port through the container ports', () => {
    const m = manifest(`    livenessProbe:
      httpGet: { host: 127.0.0.1, path: /livez, port: probe-port, scheme: HTTPS }
    readinessProbe:
      httpGet: { host: 127.0.0.1, path: /readyz, port: probe-port, scheme: HTTPS }
`);
    expect(readinessUrl(m)).toBe('https://127.0.0.1:10259/readyz');
  });
  it('falls back to the liveness probe, with a numeric port and the default host', () => {
    expect(readinessUrl(manifest(`    livenessProbe:
      httpGet: { path: /healthz, port: 10257, scheme: HTTPS }
`))).toBe('https://127.0.0.1:10257/healthz');
  });
  it('says so when there is no probe to ask', () => {
    expect(() => readinessUrl(manifest(''))).toThrow(/without an httpGet probe/);
  });
});
