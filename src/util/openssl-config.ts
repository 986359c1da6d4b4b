// The openssl configs kindlab signs certificates with (a local cluster's PKI, the image
// authority kind's node images trust): only the extensions asked for, nothing from the system's
// openssl.cnf, so a certificate is the same on every machine.
/** A minimal openssl config: the extensions we ask for, nothing from the system openssl.cnf. */
export function opensslConfig(ext: string[]): string {
  return ['[req]', 'distinguished_name = dn', 'prompt = no', 'x509_extensions = ext', '[dn]', '[ext]', ...ext, ''].join('\n');
}

/** Leaf certificate extensions. */
export function leafExtensions(usage: 'server' | 'client', sans: string[] = []): string[] {
  return [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    `extendedKeyUsage = ${usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    ...(sans.length ? [`subjectAltName = ${sans.join(', ')}`] : []),
  ];
}
