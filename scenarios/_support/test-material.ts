// TEST-ONLY key material for the scenarios that serve their own OIDC issuer or kubelet on this
// machine (structured-authn-config, the local provider's fake kubelet). It is generated on
// first use and kept in the scenario's data folder ($KINDLAB_HOME/scenario-data/…): the CA is
// written into a cluster's AuthenticationConfiguration when the scenario loads, and the same CA
// must sign the serving certificate when a later process runs the scenario against that cluster.
// Nothing of it ships in the package or the repository (secret scanners flag committed keys).
//
// Keys come from node:crypto; the two certificates from the openssl CLI (Node cannot create X.509),
// argv only. The CA's private key is deleted once it has signed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { scenarioDataDir } from 'kindlab';
import { issuerHost } from './issuer-host.js';

export const MATERIAL_FILES = [
  'test-only-ca.crt',
  'test-only-issuer-serving.crt',
  'test-only-issuer-serving.key',
  'test-only-jwt-signing-team-a.key',
  'test-only-jwt-signing-team-b.key',
] as const;

const rsaPem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The serving certificate's names: loopback (the stand-in kubelet) and the issuer host (oidc-issuer.ts). */
export function servingAltNames(host: string): string {
  return [...new Set(['127.0.0.1', host])].map((ip) => `IP:${ip}`).join(', ') + ', DNS:localhost';
}

function generate(into: string, host: string): void {
  const p = (f: string): string => join(into, f);
  const openssl = (args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: into, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      throw new Error(err.code === 'ENOENT' ? 'openssl is needed to make the test-only certificates of this scenario (apt-get install openssl)' : `openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`);
    }
  };
  writeFileSync(p('ca.key'), rsaPem(), { mode: 0o600 });
  writeFileSync(p('test-only-issuer-serving.key'), rsaPem(), { mode: 0o600 });
  writeFileSync(p('test-only-jwt-signing-team-a.key'), rsaPem(), { mode: 0o600 });
  writeFileSync(p('test-only-jwt-signing-team-b.key'), rsaPem(), { mode: 0o600 });
  writeFileSync(p('ca.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n[dn]\n[ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign, digitalSignature\nsubjectKeyIdentifier = hash\n');
  writeFileSync(p('serving.ext'), `basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\nsubjectAltName = ${servingAltNames(host)}\n`);
  openssl(['req', '-x509', '-new', '-config', p('ca.cnf'), '-key', p('ca.key'), '-sha256', '-days', '3650', '-subj', '/CN=kindlab TEST-ONLY issuer CA (do not trust)', '-out', p('test-only-ca.crt')]);
  openssl(['req', '-new', '-key', p('test-only-issuer-serving.key'), '-subj', '/CN=127.0.0.1', '-out', p('serving.csr')]);
  openssl(['x509', '-req', '-in', p('serving.csr'), '-CA', p('test-only-ca.crt'), '-CAkey', p('ca.key'), '-set_serial', `0x${Date.now().toString(16)}`, '-days', '3650', '-sha256', '-extfile', p('serving.ext'), '-out', p('test-only-issuer-serving.crt')]);
  for (const f of ['ca.key', 'ca.cnf', 'serving.ext', 'serving.csr']) rmSync(p(f), { force: true });
}

let dir: string | undefined;

/** The content of one material file, generating the whole set the first time (once per KINDLAB_HOME). */
export function testMaterial(name: (typeof MATERIAL_FILES)[number] | string): string {
  if (!(MATERIAL_FILES as readonly string[]).includes(name)) throw new Error(`no test material named ${name}`);
  dir ??= ensureMaterial();
  return readFileSync(join(dir, name), 'utf8');
}

function ensureMaterial(): string {
  const home = scenarioDataDir('structured-authn-config');
  const set = join(home, 'material');
  const host = issuerHost();
  if (MATERIAL_FILES.every((f) => existsSync(join(set, f)))) {
    // A set made before this machine had a Docker bridge (or another one) cannot serve the issuer host:
    // made anew, CA included (a cluster made with the old CA then needs to be made again).
    if (new X509Certificate(readFileSync(join(set, 'test-only-issuer-serving.crt'))).checkIP(host)) return set;
    rmSync(set, { recursive: true, force: true });
  }
  // Made aside and renamed into place: two processes starting at once keep one complete set.
  const scratch = mkdtempSync(join(dirname(set), 'material-'));
  try {
    generate(scratch, host);
    try {
      renameSync(scratch, set);
    } catch {
      if (!MATERIAL_FILES.every((f) => existsSync(join(set, f)))) throw new Error(`could not put the test material in place at ${set}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return set;
}
