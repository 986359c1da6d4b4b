// KEP-4006's pure parts: the SPDY framing the port-forward scenario speaks through a WebSocket (the
// header block must reach a Go zlib reader intact, the frames must split where SPDY/3 says), the
// stand-in kubelet's answers, kubectl's log lines, and where the stand-in can be reached from.
import { inflateSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from '../../../src/scenario/types.js';
import { apiServerOnThisHost } from '../../../scenarios/_support/cluster.js';
import { chooseStreamProtocol, spdyUpgradeResponse } from '../../../scenarios/_support/fake-kubelet.js';
import { dataFrame, FLAG_FIN, FrameReader, headerBlock, PORT_FORWARD_TUNNEL_PROTOCOL, StoredZlibStream, synStream, SYNC_FLUSH_MARKER, TYPE } from '../../../scenarios/_support/spdy.js';
import { KUBECTL_WEBSOCKET_LOG } from '../../../scenarios/exec-websockets.js';
import { echoRequest, KUBECTL_TUNNEL_LOG } from '../../../scenarios/portforward-websockets.js';

describe('SPDY/3 framing for port-forward through a WebSocket', () => {
  it('offers the tunnelling sub-protocol of KEP-4006', () => {
    expect(PORT_FORWARD_TUNNEL_PROTOCOL).toBe('SPDY/3.1+portforward.k8s.io');
  });

  it('writes a name/value block: count, then length-prefixed lower-case names and values', () => {
    const b = headerBlock({ port: '8080', streamtype: 'data' });
    expect(b.readUInt32BE(0)).toBe(2);
    expect(b.readUInt32BE(4)).toBe(4);
    expect(b.subarray(8, 12).toString()).toBe('port');
    expect(b.readUInt32BE(12)).toBe(4);
    expect(b.subarray(16, 20).toString()).toBe('8080');
    expect(() => headerBlock({ requestID: '0' })).toThrow(/lower case/);
  });

  it('header blocks form one zlib stream (header once) that zlib inflates block by block', () => {
    const z = new StoredZlibStream();
    const a = headerBlock({ streamtype: 'error', port: '80', requestid: '0' });
    const b = headerBlock({ streamtype: 'data', port: '80', requestid: '0' });
    const first = z.next(a);
    const second = z.next(b);
    expect([...first.subarray(0, 2)]).toEqual([0x78, 0x01]);
    expect((0x78 * 256 + 0x01) % 31).toBe(0); // a valid zlib header (FCHECK), no preset dictionary (FDICT=0)
    expect([...second.subarray(0, 1)]).toEqual([0x00]); // no second zlib header
    // Each block ends with the sync-flush marker (an empty stored block): without it Go's flate
    // reader keeps the block's bytes and reads past the SPDY frame, and spdystream refuses the next
    // header block ("compressed payload size was incorrect"); seen against a kubelet on kind.
    for (const block of [first, second]) expect([...block.subarray(-5)]).toEqual([0x00, 0x00, 0x00, 0xff, 0xff]);
    const flush = { finishFlush: constants.Z_SYNC_FLUSH };
    expect(inflateSync(first, flush).equals(a)).toBe(true);
    expect(inflateSync(Buffer.concat([first, second]), flush).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('frames SYN_STREAM as SPDY/3 control frames and data frames with stream id, flags and length', () => {
    const z = new StoredZlibStream();
    const syn = synStream(z, 3, { streamtype: 'data', port: '8080', requestid: '0' });
    expect(syn.readUInt16BE(0)).toBe(0x8003); // control bit + version 3
    expect(syn.readUInt16BE(2)).toBe(TYPE.SYN_STREAM);
    expect(syn.readUInt32BE(4) & 0xffffff).toBe(syn.length - 8);
    expect(syn.readUInt32BE(8)).toBe(3);
    expect(syn.subarray(-5).equals(SYNC_FLUSH_MARKER)).toBe(true);
    const headers = inflateSync(syn.subarray(18), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(headers.toString('latin1')).toContain('streamtype');

    const d = dataFrame(3, Buffer.from('hello'), FLAG_FIN);
    expect(d.readUInt32BE(0)).toBe(3); // control bit clear
    expect(d[4]).toBe(FLAG_FIN);
    expect(d.readUInt32BE(4) & 0xffffff).toBe(5);
  });

  it('reads frames split across and joined within WebSocket messages', () => {
    const reply = Buffer.alloc(8 + 6);
    reply.writeUInt16BE(0x8003, 0);
    reply.writeUInt16BE(TYPE.SYN_REPLY, 2);
    reply.writeUInt32BE(6, 4);
    reply.writeUInt32BE(3, 8);
    const stream = Buffer.concat([reply, dataFrame(3, Buffer.from('HTTP/1.1 200 OK')), dataFrame(1, Buffer.from('oops'), FLAG_FIN)]);
    const r = new FrameReader();
    const frames = [...r.push(stream.subarray(0, 5)), ...r.push(stream.subarray(5, 20)), ...r.push(stream.subarray(20))];
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatchObject({ control: true, type: TYPE.SYN_REPLY, streamId: 3 });
    expect(frames[1]).toMatchObject({ control: false, streamId: 3, flags: 0 });
    expect(frames[1]!.control === false && frames[1]!.data.toString()).toBe('HTTP/1.1 200 OK');
    expect(frames[2]).toMatchObject({ control: false, streamId: 1, flags: FLAG_FIN });
  });
});

describe('the stand-in kubelet', () => {
  it('answers an SPDY upgrade as a kubelet does, with the protocol the API server must see', () => {
    const r = spdyUpgradeResponse('portforward.k8s.io');
    expect(r.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
    expect(r).toContain('\r\nConnection: Upgrade\r\n');
    expect(r).toContain('\r\nUpgrade: SPDY/3.1\r\n');
    expect(r).toContain('\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n');
    expect(r.endsWith('\r\n\r\n')).toBe(true);
  });

  it('accepts only the protocols it was given, from a comma-joined header', () => {
    expect(chooseStreamProtocol('v4.channel.k8s.io, portforward.k8s.io', ['portforward.k8s.io'])).toBe('portforward.k8s.io');
    expect(chooseStreamProtocol(['v4.channel.k8s.io'], ['portforward.k8s.io'])).toBeUndefined();
    expect(chooseStreamProtocol(undefined, ['portforward.k8s.io'])).toBeUndefined();
  });

  it('is used only where kube-apiserver shares this loopback', () => {
    // What kindlab knows of the cluster: created by a provider that says where its API server runs, or existing (unknown).
    const facts = { local: { apiServerOnHost: true, reconfigurable: true }, kind: { apiServerOnHost: false, reconfigurable: true }, existing: { reconfigurable: false } };
    const ctx = (made: keyof typeof facts, hasNodes: boolean, server: string) =>
      ({
        cluster: { provider: 'any', ...facts[made], hasNodes, version: '1.37.2', gitVersion: 'v1.37.2', featureGates: {} },
        kc: { getCurrentCluster: () => ({ server }) },
      }) as unknown as Pick<ScenarioContext, 'cluster' | 'kc'>;
    expect(apiServerOnThisHost(ctx('local', false, 'https://127.0.0.1:6443'))).toBe(true);
    expect(apiServerOnThisHost(ctx('existing', false, 'https://127.0.0.1:6443'))).toBe(true);
    expect(apiServerOnThisHost(ctx('existing', false, 'https://[::1]:6443'))).toBe(true);
    // kind publishes its API server on a loopback port, but the API server runs inside the node container.
    expect(apiServerOnThisHost(ctx('kind', true, 'https://127.0.0.1:40000'))).toBe(false);
    expect(apiServerOnThisHost(ctx('existing', true, 'https://127.0.0.1:40000'))).toBe(false);
    expect(apiServerOnThisHost(ctx('existing', false, 'https://10.0.0.1:6443'))).toBe(false);
  });
});

describe('what the scenarios read from kubectl and send to agnhost', () => {
  it('recognises kubectl port-forward\'s tunnel line in both wordings, and not the SPDY fallback', () => {
    expect('I1124 tunneling_dialer.go:85] negotiated protocol: portforward.k8s.io').toMatch(KUBECTL_TUNNEL_LOG);
    expect('I1124 tunneling_dialer.go:130] "Negotiation complete" protocol="portforward.k8s.io"').toMatch(KUBECTL_TUNNEL_LOG);
    expect('I1124 fallback_dialer.go:74] fallback to secondary dialer from primary dialer err: ...').not.toMatch(KUBECTL_TUNNEL_LOG);
    expect('"Negotiation complete" protocol=""').not.toMatch(KUBECTL_TUNNEL_LOG);
  });

  it('recognises kubectl exec/attach\'s negotiated v5 channel protocol in both wordings', () => {
    expect('I1124 websocket.go:134] "Subprotocol negotiated" protocol="v5.channel.k8s.io"').toMatch(KUBECTL_WEBSOCKET_LOG);
    expect('I1124 websocket.go:133] The subprotocol is v5.channel.k8s.io').toMatch(KUBECTL_WEBSOCKET_LOG);
    expect('I1124 websocket.go:133] The subprotocol is v4.channel.k8s.io').not.toMatch(KUBECTL_WEBSOCKET_LOG);
  });

  it('asks agnhost netexec to echo a URL-encoded message and close', () => {
    expect(echoRequest('a b').toString()).toBe('GET /echo?msg=a%20b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  });
});
