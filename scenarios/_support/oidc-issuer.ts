// A minimal OIDC issuer served from the scenario process: discovery document and JWKS over HTTPS, with
// a TEST-ONLY serving certificate. Several issuers share one listener, told apart by path:
// https://<issuer host>:<port>/<name>. The key material is generated on first use (see
// test-material.ts), never shipped.
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { issuerHost } from './issuer-host.js';
import { signingKey, type SigningKey } from './jwt.js';
import { testMaterial } from './test-material.js';

/** One file of the TEST-ONLY material: the CA, the issuer's serving pair, the JWT signing keys. */
export function fixture(name: string): string {
  return testMaterial(name);
}

export interface IssuerDef {
  /** Path segment: the issuer URL is https://<issuer host>:<port>/<name>. */
  name: string;
  key: SigningKey;
}

export interface RunningIssuers {
  url(name: string): string;
  /** Requests served, per path, to show the API server fetched discovery and keys. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export function issuerKey(file: string): SigningKey {
  return signingKey(fixture(file));
}

export function issuerUrl(port: number, name: string): string {
  return `https://${issuerHost()}:${port}/${name}`;
}

export interface PortWait {
  /** How long to wait for the port while another process holds it (default: not at all). */
  seconds: number;
  signal?: AbortSignal;
  /** Told once, when the port is found taken. */
  onWait?: (message: string) => void;
}

/**
 * Serve discovery + JWKS for each issuer on <issuer host>:<port>. The port is fixed (the API server's
 * configuration names it), so a second run on this machine (another release's, or a counter-proof
 * beside the scenario's own run) waits for it up to `wait.seconds`, then rejects.
 */
export async function serveIssuers(port: number, issuers: IssuerDef[], wait?: PortWait): Promise<RunningIssuers> {
  const deadline = Date.now() + (wait?.seconds ?? 0) * 1000;
  for (let told = false; ; told = true) {
    try {
      return await serveIssuersOnce(port, issuers);
    } catch (e) {
      if (!(e instanceof PortTakenError) || Date.now() >= deadline || wait?.signal?.aborted) throw e;
      if (!told) wait?.onWait?.(`${e.message}: waiting up to ${wait?.seconds}s for it`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

class PortTakenError extends Error {}

function serveIssuersOnce(port: number, issuers: IssuerDef[]): Promise<RunningIssuers> {
  const host = issuerHost();
  const hits = new Map<string, number>();
  const byName = new Map(issuers.map((i) => [i.name, i]));
  const server = https.createServer(
    { cert: fixture('test-only-issuer-serving.crt'), key: fixture('test-only-issuer-serving.key') },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const m = /^\/([^/]+)\/(\.well-known\/openid-configuration|jwks)$/.exec(path);
      const issuer = m ? byName.get(m[1]!) : undefined;
      if (!m || !issuer) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      const base = issuerUrl(port, issuer.name);
      const body =
        m[2] === 'jwks'
          ? { keys: [issuer.key.publicJwk] }
          : {
              issuer: base,
              jwks_uri: `${base}/jwks`,
              response_types_supported: ['id_token'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
            };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    },
  );
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new PortTakenError(`port ${host}:${port} is already in use; the test issuer needs it (it is fixed in the API server's AuthenticationConfiguration)`)
          : err,
      ),
    );
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      resolve({
        url: (name) => issuerUrl(addr.port, name),
        hits,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
