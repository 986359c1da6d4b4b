// Just enough SPDY/3 to port-forward through a WebSocket, as kubectl does since KEP-4006: the client
// opens a WebSocket offering the sub-protocol `SPDY/3.1+portforward.k8s.io`, and the bytes inside
// its binary messages are an SPDY session with the kubelet (the API server, or a kubelet with
// ExtendWebSocketsToKubelet, unwraps the WebSocket; it does not parse SPDY). Per forwarded
// connection the client opens two streams with the same `requestid`: an error stream and a data
// stream, each with a `port` header. What the pod's port answers comes back on the data stream.
//
// The frame layout is SPDY/3's (control frames: 0x8003, type, flags, 24-bit length; data frames:
// 31-bit stream id, flags, 24-bit length). Header blocks must be a zlib stream shared by the whole
// session; the SPDY dictionary only matters to a compressor that uses it, so this client writes
// each block as a stored (uncompressed) deflate block, which any zlib reader accepts. Header blocks
// the server sends are skipped, not decoded: nothing here needs their values.
import type { WebSocket } from 'ws';

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
/** The WebSocket sub-protocol of port-forward tunnelled over WebSockets (KEP-4006). */
export const PORT_FORWARD_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** The name/value block of SPDY/3, before compression: count, then length-prefixed names and values. */
export function headerBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    if (name !== name.toLowerCase()) throw new Error(`SPDY header names are lower case: ${name}`);
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** An empty stored block: what zlib's Z_SYNC_FLUSH ends with, and what makes a reader hand out the data so far. */
export const SYNC_FLUSH_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * The session's header "compressor": a zlib stream (header 78 01, no preset dictionary) whose
 * blocks are stored, one per header block, each followed by the sync-flush marker as a real
 * compressor's Z_SYNC_FLUSH would be. Without the marker Go's flate reader holds the block's bytes
 * back and reads past the frame for the next block header, and spdystream refuses the next header
 * block ("compressed payload size was incorrect"). Stateful: only the first block has the zlib header.
 */
export class StoredZlibStream {
  private started = false;
  next(data: Buffer): Buffer {
    if (data.length > 0xffff) throw new Error('header block too large for one stored block');
    const head = Buffer.alloc(5);
    head[0] = 0x00; // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary
    head.writeUInt16LE(data.length, 1);
    head.writeUInt16LE(~data.length & 0xffff, 3);
    const out = this.started ? [head, data, SYNC_FLUSH_MARKER] : [Buffer.from([0x78, 0x01]), head, data, SYNC_FLUSH_MARKER];
    this.started = true;
    return Buffer.concat(out);
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function synStream(z: StoredZlibStream, streamId: number, headers: Record<string, string>, flags = 0): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE(0, 4); // associated stream
  fixed[8] = 0; // priority << 5
  fixed[9] = 0; // slot
  return controlFrame(TYPE.SYN_STREAM, flags, Buffer.concat([fixed, z.next(headerBlock(headers))]));
}

export function dataFrame(streamId: number, data: Buffer, flags = 0): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([h, data]);
}

export type Frame =
  | { control: true; type: number; flags: number; streamId?: number; status?: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Split a byte stream into SPDY frames; keeps what is incomplete for the next push. */
export class FrameReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): Frame[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const payload = this.buf.subarray(8, 8 + length);
      if (this.buf[0]! & 0x80) {
        const type = this.buf.readUInt16BE(2);
        const f: Frame = { control: true, type, flags, payload: Buffer.from(payload) };
        if ((type === TYPE.SYN_REPLY || type === TYPE.RST_STREAM || type === TYPE.SYN_STREAM || type === TYPE.HEADERS) && length >= 4) {
          f.streamId = payload.readUInt32BE(0) & 0x7fffffff;
        }
        if (type === TYPE.RST_STREAM && length >= 8) f.status = payload.readUInt32BE(4);
        if (type === TYPE.GOAWAY && length >= 8) f.status = payload.readUInt32BE(4);
        frames.push(f);
      } else {
        frames.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data: Buffer.from(payload) });
      }
      this.buf = this.buf.subarray(8 + length);
    }
    return frames;
  }
}

export interface PortForwardResult {
  /** Stream ids the kubelet answered with SYN_REPLY. */
  replied: number[];
  /** What the pod's port sent back on the data stream. */
  data: Buffer;
  /** Text on the error stream (the kubelet's message when it could not forward). */
  error: string;
  /** RST_STREAM / GOAWAY seen, for the failure message. */
  resets: string[];
  /** True when the data stream was closed by the other side (FIN). */
  finished: boolean;
}

/**
 * Forward one connection to `port` of the pod over an open WebSocket carrying SPDY, write `payload`
 * once the data stream is accepted, and collect the answer until the data stream finishes or
 * `readMs` elapses. Closes the WebSocket.
 */
export function forwardOnce(ws: WebSocket, port: number, payload: Buffer, readMs = 10_000): Promise<PortForwardResult> {
  const z = new StoredZlibStream();
  const reader = new FrameReader();
  const ERROR = 1;
  const DATA = 3;
  const result: PortForwardResult = { replied: [], data: Buffer.alloc(0), error: '', resets: [], finished: false };
  const common = { port: String(port), requestid: '0' };
  return new Promise<PortForwardResult>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(finish, readMs);
    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      for (const f of reader.push(chunk)) {
        if (f.control) {
          if (f.type === TYPE.SYN_REPLY && f.streamId !== undefined) {
            result.replied.push(f.streamId);
            if (f.streamId === DATA) ws.send(dataFrame(DATA, payload));
          } else if (f.type === TYPE.RST_STREAM) {
            result.resets.push(`RST_STREAM stream ${f.streamId} status ${f.status}`);
            if (f.streamId === DATA) finish();
          } else if (f.type === TYPE.GOAWAY) {
            result.resets.push(`GOAWAY status ${f.status}`);
            finish();
          } else if (f.type === TYPE.PING) {
            ws.send(controlFrame(TYPE.PING, 0, f.payload)); // echo, as SPDY requires
          }
        } else if (f.streamId === DATA) {
          result.data = Buffer.concat([result.data, f.data]);
          if (f.flags & FLAG_FIN) {
            result.finished = true;
            finish();
          }
        } else if (f.streamId === ERROR) {
          result.error += f.data.toString('utf8');
        }
      }
    });
    ws.on('close', finish);
    ws.on('error', finish);
    // The error stream first, closed for writing at once (the client never writes to it), then the
    // data stream; as kubectl does (client-go tools/portforward).
    ws.send(synStream(z, ERROR, { streamtype: 'error', ...common }));
    ws.send(dataFrame(ERROR, Buffer.alloc(0), FLAG_FIN));
    ws.send(synStream(z, DATA, { streamtype: 'data', ...common }));
  });
}
