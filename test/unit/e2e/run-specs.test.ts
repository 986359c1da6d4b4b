import { describe, expect, it } from 'vitest';
import { ginkgoArgs, parseRunReport, runArgs } from '../../../src/e2e/run-specs.js';
import { parseE2eSelector } from '../../../src/e2e/selector.js';

const base = { binary: '/lab/bin/e2e.test', kubeconfig: '/h/kubeconfig', reportDir: '/tmp/r', kubectl: '/lab/bin/kubectl', timeoutSeconds: 600 };

describe('running upstream specs', () => {
  it('one process: the framework flags and Ginkgo flags of e2e.test itself, [Disruptive] left out', () => {
    const args = runArgs({ ...base, sel: parseE2eSelector('e2e:label=FeatureGate:GRPCContainerProbeTLS') });
    expect(args).toEqual([
      '--provider=skeleton',
      '--kubeconfig=/h/kubeconfig',
      '--disable-log-dump=true',
      '--report-dir=/tmp/r',
      '--kubectl-path=/lab/bin/kubectl',
      '--ginkgo.json-report=/tmp/r/ginkgo.json',
      '--ginkgo.no-color',
        '--ginkgo.timeout=600s',
      '--ginkgo.label-filter=FeatureGate:GRPCContainerProbeTLS',
      '--ginkgo.skip=\\[Disruptive\\]',
    ]);
  });
  it('parallel: the ginkgo CLI with --procs, its own flags, the binary, then the framework flags after --', () => {
    const args = ginkgoArgs({ ...base, sel: parseE2eSelector('e2e:GRPC liveness probe'), ginkgo: '/lab/bin/ginkgo', procs: 2 });
    expect(args).toEqual([
      '--procs=2',
      '--timeout=600s',
      '--output-dir=/tmp/r',
      '--json-report=ginkgo.json',
      '--no-color',
        '--focus=GRPC liveness probe',
      '--skip=\\[Disruptive\\]',
      '/lab/bin/e2e.test',
      '--',
      '--provider=skeleton',
      '--kubeconfig=/h/kubeconfig',
      '--disable-log-dump=true',
      '--report-dir=/tmp/r',
      '--kubectl-path=/lab/bin/kubectl',
    ]);
    expect(ginkgoArgs({ ...base, sel: parseE2eSelector('e2e:x'), procs: 2, allowDisruptive: true })).not.toContain('--skip=\\[Disruptive\\]');
    // a control plane without nodes: the framework's node and kube-system waits off, in both forms
    expect(ginkgoArgs({ ...base, sel: parseE2eSelector('e2e:x'), procs: 2, withoutNodes: true })).toContain('--allowed-not-ready-nodes=-1');
    expect(runArgs({ ...base, sel: parseE2eSelector('e2e:x'), withoutNodes: true })).toEqual(expect.arrayContaining(['--allowed-not-ready-nodes=-1', '--num-nodes=0']));
    expect(runArgs({ ...base, sel: parseE2eSelector('e2e:x') })).not.toContain('--allowed-not-ready-nodes=-1');
  });
  it('reads the It results of a report, merged over processes', () => {
    const report = JSON.stringify([
      {
        SpecReports: [
          { LeafNodeType: 'BeforeSuite', State: 'passed' },
          { LeafNodeType: 'It', LeafNodeText: 'passes', ContainerHierarchyTexts: ['[sig-node] Probing'], LeafNodeLocation: { FileName: '/go/k8s.io/kubernetes/test/e2e/common/node/container_probe.go', LineNumber: 42 }, State: 'passed', RunTime: 12_340_000_000 },
          { LeafNodeType: 'It', LeafNodeText: 'fails', ContainerHierarchyTexts: null, State: 'failed', RunTime: 1e9, Failure: { Message: 'boom', Location: { FileName: '/x/test/e2e/a.go', LineNumber: 7 } }, CapturedGinkgoWriterOutput: 'log' },
        ],
      },
    ]);
    expect(parseRunReport(report)).toEqual([
      { name: '[sig-node] Probing passes', location: 'test/e2e/common/node/container_probe.go:42', state: 'passed', seconds: 12.3 },
      // no location of its own in the report: an empty file and line 0, not a made-up place
      { name: 'fails', location: ':0', state: 'failed', seconds: 1, failure: { message: 'boom', location: 'test/e2e/a.go:7' }, output: 'log' },
    ]);
  });
});
