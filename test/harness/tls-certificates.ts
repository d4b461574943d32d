import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOpenssl } from './openssl.js';

/** A private CA and a server certificate for 127.0.0.1 and localhost, as files. */
export interface ServerCertificates {
  caCertFile: string;
  /** PEM text of the CA certificate */
  caCert: string;
  /** directory holding only `ca.crt` (skopeo/containers `--cert-dir` layout) */
  certDir: string;
  serverCertFile: string;
  serverKeyFile: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Generates a fresh CA and a server certificate signed by it (SANs IP:127.0.0.1, DNS:localhost) with the
 * openssl CLI. EC keys because RSA key generation is slow on the shared test machine.
 */
export async function createServerCertificates(dir: string): Promise<ServerCertificates> {
  await mkdir(dir, { recursive: true });
  await runOpenssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-sha256',
      '-subj',
      '/CN=ocm-tui test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await runOpenssl(
    ['req', '-new', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    dir,
  );
  await writeFile(
    join(dir, 'server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await runOpenssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const caCert = await readFile(join(dir, 'ca.pem'), 'utf8');
  const certDir = join(dir, 'cert-dir');
  await mkdir(certDir);
  await writeFile(join(certDir, 'ca.crt'), caCert);
  return {
    caCertFile: join(dir, 'ca.pem'),
    caCert,
    certDir,
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
  };
}
