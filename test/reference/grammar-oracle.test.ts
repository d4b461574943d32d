/**
 * skopeo (containers/image) as the oracle for the reference grammar: for host-qualified references it
 * either rejects the name ("invalid reference format", "invalid checksum digest format") or gets as far as contacting the registry, which
 * here is a closed loopback port. Our parser must accept and reject the same names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { parseImageReference } from '../../core/reference/image-reference.js';

const HOST = '127.0.0.1:9';
const HEX = 'e3'.repeat(32);
const CASES = [
  'ns/img:1',
  'a__b/c-d/e.f:1',
  'a--b:1',
  'a___b:1',
  'a.-b:1',
  'NS/img:1',
  'ns//img:1',
  'ns/img:-1',
  'ns/img:v1.0_rc-1',
  `ns/img:${'t'.repeat(128)}`,
  `ns/img:${'t'.repeat(129)}`,
  `ns/img@sha256:${HEX}`,
  `ns/img:v1@sha256:${HEX}`,
  'ns/img@sha256:abc',
  `ns/img@sha256:${HEX.toUpperCase()}`,
  'ns/img_:1',
  '_ns/img:1',
];

function skopeoAccepts(reference: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile(
      'skopeo',
      ['inspect', '--raw', '--tls-verify=false', `docker://${reference}`],
      { timeout: 20_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' } },
      (err, _stdout, stderr) => {
        if (!err) return reject(new Error(`skopeo unexpectedly reached a registry for ${reference}`));
        if (/invalid reference format|invalid checksum digest format/.test(stderr)) return resolve(false);
        if (stderr.includes('connection refused')) return resolve(true);
        // The grammar accepts name:tag@digest; skopeo then refuses to pull it (we pull by the digest).
        if (stderr.includes('both a tag and digest are currently not supported')) return resolve(true);
        reject(new Error(`unexpected skopeo output for ${reference}: ${stderr}`));
      },
    );
  });
}

function weAccept(reference: string): boolean {
  try {
    parseImageReference(reference);
    return true;
  } catch {
    return false;
  }
}

test('parser accepts exactly what containers/image accepts (skopeo oracle)', async () => {
  const disagreements: string[] = [];
  for (const name of CASES) {
    const reference = `${HOST}/${name}`;
    const expected = await skopeoAccepts(reference);
    if (weAccept(reference) !== expected)
      disagreements.push(`${reference}: skopeo ${expected ? 'accepts' : 'rejects'}`);
  }
  assert.deepEqual(disagreements, []);
});
