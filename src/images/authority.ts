// The certificate authority of kindlab's image supply: one CA per state folder, and a serving
// certificate per registry host that asks, signed on demand. Keys are P-256 from node:crypto;
// certificates are signed with the openssl CLI (node 20 cannot create X.509), argv only.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leafExtensions, opensslConfig } from '../util/openssl-config.js';
import { EnvironmentError, ProcessError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

export class SupplyAuthority {
  private readonly leaves = new Map<string, Promise<KeyPair>>();

  private constructor(
    private readonly dir: string,
    private readonly runner: ProcessRunner,
    readonly ca: KeyPair,
  ) {}

  /** The CA kept in `dir` (created the first time). */
  static async open(dir: string, runner: ProcessRunner): Promise<SupplyAuthority> {
    mkdirSync(join(dir, 'hosts'), { recursive: true, mode: 0o700 });
    const cert = join(dir, 'ca.crt');
    const key = join(dir, 'ca.key');
    if (!existsSync(cert) || !existsSync(key)) {
      writeKey(key);
      writeFileSync(join(dir, 'ca.cnf'), opensslConfig(['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign, digitalSignature', 'subjectKeyIdentifier = hash']));
      await openssl(runner, dir, ['req', '-x509', '-new', '-config', join(dir, 'ca.cnf'), '-key', key, '-sha256', '-days', '3650', '-subj', '/CN=kindlab image supply', '-out', cert]);
    }
    return new SupplyAuthority(dir, runner, { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') });
  }

  /** A serving certificate for `host`, signed by the CA (made once per host). */
  serving(host: string): Promise<KeyPair> {
    let p = this.leaves.get(host);
    if (!p) {
      p = this.makeLeaf(host);
      this.leaves.set(host, p);
    }
    return p;
  }

  private async makeLeaf(host: string): Promise<KeyPair> {
    if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new Error(`not a host name: ${host}`);
    const base = join(this.dir, 'hosts', host);
    if (!existsSync(`${base}.crt`)) {
      const keyPem = writeKey(`${base}.key`);
      const san = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? `IP:${host}` : `DNS:${host}`;
      writeFileSync(`${base}.cnf`, opensslConfig(leafExtensions('server', [san])));
      await openssl(this.runner, this.dir, ['req', '-x509', '-new', '-config', `${base}.cnf`, '-key', `${base}.key`, '-CA', join(this.dir, 'ca.crt'), '-CAkey', join(this.dir, 'ca.key'), '-sha256', '-days', '825', '-subj', `/CN=${host}`, '-out', `${base}.crt`]);
      return { certPem: readFileSync(`${base}.crt`, 'utf8'), keyPem };
    }
    return { certPem: readFileSync(`${base}.crt`, 'utf8'), keyPem: readFileSync(`${base}.key`, 'utf8') };
  }
}

function writeKey(path: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(path, pem, { mode: 0o600 });
  return pem;
}

async function openssl(runner: ProcessRunner, cwd: string, args: string[]): Promise<void> {
  try {
    await runner.run('openssl', args, { cwd });
  } catch (e) {
    if (e instanceof ProcessError && e.processExitCode === undefined) {
      throw new EnvironmentError('openssl is needed to sign the image supply certificates', { hint: 'apt-get install openssl', cause: e });
    }
    throw e;
  }
}
