// Certificates of a local cluster: a CA, the API server's serving certificate, client
// certificates for the admin (system:masters), the controller-manager and the scheduler, and the
// service-account signing key pair. Keys are P-256 (node:crypto, fast); certificates are signed
// with the openssl CLI (node 20 cannot create X.509), one process per certificate, argv only.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, ProcessError } from '../../errors.js';
import type { ProcessRunner } from '../../exec/runner.js';
import { PKI } from './args.js';
import { leafExtensions, opensslConfig } from '../../util/openssl-config.js';

export interface Pki {
  caPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  controllerManager: { certPem: string; keyPem: string };
  scheduler: { certPem: string; keyPem: string };
}

export const API_SERVER_SANS = [
  'IP:127.0.0.1',
  'IP:10.96.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

function writeKey(path: string): { keyPem: string; pubPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(path, keyPem, { mode: 0o600 });
  return { keyPem, pubPem };
}

export async function createPki(dir: string, runner: ProcessRunner, signal?: AbortSignal): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => join(dir, f);
  const openssl = async (args: string[]): Promise<void> => {
    try {
      await runner.run('openssl', args, { signal, cwd: dir });
    } catch (e) {
      if (e instanceof ProcessError && e.processExitCode === undefined) {
        throw new EnvironmentError('openssl is needed to create the local cluster certificates', { hint: 'apt-get install openssl', cause: e });
      }
      throw e;
    }
  };

  writeFileSync(p('ca.cnf'), opensslConfig(['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign, digitalSignature', 'subjectKeyIdentifier = hash']));
  const makeCa = async (key: string, cert: string, cn: string): Promise<void> => {
    writeKey(p(key));
    await openssl(['req', '-x509', '-new', '-config', p('ca.cnf'), '-key', p(key), '-sha256', '-days', '3650', '-subj', `/CN=${cn}`, '-out', p(cert)]);
  };
  await Promise.all([makeCa(PKI.caKey, PKI.caCert, 'kindlab-ca'), makeCa(PKI.frontProxyCaKey, PKI.frontProxyCaCert, 'kindlab-front-proxy-ca')]);

  const sa = writeKey(p(PKI.saKey));
  writeFileSync(p(PKI.saPub), sa.pubPem);

  const leaf = async (base: string, subject: string, usage: 'server' | 'client', sans: string[] = [], ca: [string, string] = [PKI.caCert, PKI.caKey]): Promise<{ certPem: string; keyPem: string }> => {
    const key = writeKey(p(`${base}.key`));
    writeFileSync(p(`${base}.cnf`), opensslConfig(leafExtensions(usage, sans)));
    await openssl(['req', '-x509', '-new', '-config', p(`${base}.cnf`), '-key', p(`${base}.key`), '-CA', p(ca[0]), '-CAkey', p(ca[1]), '-sha256', '-days', '365', '-subj', subject, '-out', p(`${base}.crt`)]);
    return { certPem: readFileSync(p(`${base}.crt`), 'utf8'), keyPem: key.keyPem };
  };

  const [, admin, controllerManager, scheduler] = await Promise.all([
    leaf('apiserver', '/CN=kube-apiserver', 'server', API_SERVER_SANS),
    leaf('admin', '/O=system:masters/CN=kindlab-admin', 'client'),
    leaf('kube-controller-manager', '/CN=system:kube-controller-manager', 'client'),
    leaf('kube-scheduler', '/CN=system:kube-scheduler', 'client'),
    leaf('front-proxy-client', '/CN=front-proxy-client', 'client', [], [PKI.frontProxyCaCert, PKI.frontProxyCaKey]),
  ]);
  return {
    caPem: readFileSync(p(PKI.caCert), 'utf8'),
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
    controllerManager,
    scheduler,
  };
}
