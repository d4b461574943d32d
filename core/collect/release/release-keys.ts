/**
 * The keys release signatures are verified with (spec collectors.md §0.6, §1.7 item 5): by default the Red Hat
 * keyring oc-mirror embeds, or the armored public key file named by `OCP_SIGNATURE_VERIFICATION_PK`.
 */
import { readFile } from 'node:fs/promises';
import { readKeys, type Key, type PublicKey } from 'openpgp';
import { SignatureError } from './signature-error.js';

/**
 * Red Hat's OpenShift release keyring, verbatim from oc-mirror (`defaultPK` in
 * `internal/pkg/release/cincinnati.go`): ONE armored block holding two public keys,
 * "Red Hat, Inc. (release key 2) <security@redhat.com>" ({@link REDHAT_RELEASE_KEY_2_FINGERPRINT}) and
 * "Red Hat, Inc. (beta key 2) <security@redhat.com>" ({@link REDHAT_BETA_KEY_2_FINGERPRINT}).
 */
export const REDHAT_RELEASE_KEYS_ARMORED = `-----BEGIN PGP PUBLIC KEY BLOCK-----
Comment: Use "gpg --dearmor" for unpacking

mQINBErgSTsBEACh2A4b0O9t+vzC9VrVtL1AKvUWi9OPCjkvR7Xd8DtJxeeMZ5eF
0HtzIG58qDRybwUe89FZprB1ffuUKzdE+HcL3FbNWSSOXVjZIersdXyH3NvnLLLF
0DNRB2ix3bXG9Rh/RXpFsNxDp2CEMdUvbYCzE79K1EnUTVh1L0Of023FtPSZXX0c
u7Pb5DI5lX5YeoXO6RoodrIGYJsVBQWnrWw4xNTconUfNPk0EGZtEnzvH2zyPoJh
XGF+Ncu9XwbalnYde10OCvSWAZ5zTCpoLMTvQjWpbCdWXJzCm6G+/hx9upke546H
5IjtYm4dTIVTnc3wvDiODgBKRzOl9rEOCIgOuGtDxRxcQkjrC+xvg5Vkqn7vBUyW
9pHedOU+PoF3DGOM+dqv+eNKBvh9YF9ugFAQBkcG7viZgvGEMGGUpzNgN7XnS1gj
/DPo9mZESOYnKceve2tIC87p2hqjrxOHuI7fkZYeNIcAoa83rBltFXaBDYhWAKS1
PcXS1/7JzP0ky7d0L6Xbu/If5kqWQpKwUInXtySRkuraVfuK3Bpa+X1XecWi24JY
HVtlNX025xx1ewVzGNCTlWn1skQN2OOoQTV4C8/qFpTW6DTWYurd4+fE0OJFJZQF
buhfXYwmRlVOgN5i77NTIJZJQfYFj38c/Iv5vZBPokO6mffrOTv3MHWVgQARAQAB
tDNSZWQgSGF0LCBJbmMuIChyZWxlYXNlIGtleSAyKSA8c2VjdXJpdHlAcmVkaGF0
LmNvbT6JAjYEEwEIACACGwMGCwkIBwMCBBUCCAMEFgIDAQIeAQIXgAUCSuBJPAAK
CRAZni+R/UMdUfIkD/9m3HWv07uJG26R3KBexTo2FFu3rmZs+m2nfW8R3dBX+k0o
AOFpgJCsNgKwU81LOPrkMN19G0+Yn/ZTCDD7cIQ7dhYuDyEX97xh4une/EhnnRuh
ASzR+1xYbj/HcYZIL9kbslgpebMn+AhxbUTQF/mziug3hLidR9Bzvygq0Q09E11c
OZL4BU6J2HqxL+9m2F+tnLdfhL7MsAq9nbmWAOpkbGefc5SXBSq0sWfwoes3X3yD
Q8B5Xqr9AxABU7oUB+wRqvY69ZCxi/BhuuJCUxY89ZmwXfkVxeHl1tYfROUwOnJO
GYSbI/o41KBK4DkIiDcT7QqvqvCyudnxZdBjL2QU6OrIJvWmKs319qSF9m3mXRSt
ZzWtB89Pj5LZ6cdtuHvW9GO4qSoBLmAfB313pGkbgi1DE6tqCLHlA0yQ8zv99OWV
cMDGmS7tVTZqfX1xQJ0N3bNORQNtikJC3G+zBCJzIeZleeDlMDQcww00yWU1oE7/
To2UmykMGc7o9iggFWR2g0PIcKsA/SXdRKWPqCHG2uKHBvdRTQGupdXQ1sbV+AHw
ycyA/9H/mp/NUSNM2cqnBDcZ6GhlHt59zWtEveiuU5fpTbp4GVcFXbW8jStj8j8z
1HI3cywZO8+YNPzqyx0JWsidXGkfzkPHyS4jTG84lfu2JG8m/nqLnRSeKpl20ZkC
DQRJpAMwARAAtv3O2z9ZR0N10nMWyJNC0FntWDoom0AUS8H/EouT5LYLbj4m05Cq
WY8PKeA/nzO4w9VlM1BNF+7V4Npf3lJTDOHcOlyQENQJhDrZcEoO66zLU7zNAARL
SOypunwurFOkbQTHXKg9XB/+nW7H4fJrs51QO1JV/j0QR1c3Vs4+svIfOHQY6IM3
G2LvR3s6oI/5S84nKrEmT8/VHV4kU0QCIafFd9AQ/LkWmmtCgw5w+iMyb9w/T8UF
mxTOGddhjfS8nmapg+26Ss2Zlxv93a7311YrF2l6dzNO7dzZQWtw7fDRSCmdAxUV
wc+W788UVZnR+g7ZA1lwzzrflnZta2awjq8khaQWUEaR8NdnqNTNZYqwDSKL+2fl
dUIf2gcY+RFLt9rvWaYwDzzbUBehfyo2qBxx5hEALo+Ay3seC2OuOh79a3L9okBb
gnbyykBkohQa32R9I/yF9/9CV0JWc29zLjBT8S1xgKAFfVD/0sP1k5gLk8xVZhtd
1GBXjMK06DoqnF9lXCtGgtRQnEz9s+CVtz7Fr1PK1A0VGH6F6L3O3oOFZ+cB7dDQ
WLDYWIgAH99tAFCB80GWIt/CYFcLiXxbuN7SWROFYoPvkUKurbBMfRbc9xMEUXyf
c/ZhLxIonmZvr2zrzLyLophVT0gpix/myOuPSvHmZVUVrMdxFwlW9J0AEQEAAbQw
UmVkIEhhdCwgSW5jLiAoYmV0YSBrZXkgMikgPHNlY3VyaXR5QHJlZGhhdC5jb20+
iQI2BBMBCAAgAhsDBgsJCAcDAgQVAggDBBYCAwECHgECF4AFAkpSM+gACgkQk4qA
yvIVQesUdA/9F94ainS9eCMpGyYzhgoPTMJL1zp7OKDEt0Yf8FB5s/zTqiQ7qujA
i6frKmvswV6KRGFoTXeEtydW1JlRyFZFfao9wYhyK8X39WBzjdNlCH4E9hRLinGC
hpV91q/UI4DixoTS9mqt7JRFrIByhRkXhb2UBcWfXTn5NP+o+CPB9NhknH6b9DWh
8Iz4QN4dB7UJ8mk/356hvzp/CnjhYixkE31iBbkTpQPiYY0uJLrejk3o3herFBhb
6vC6YUrjbnzcm5KP+aVY73GQMWKPK+ZczVsQY3k2SB/uKRiiKzpHICTCF39zfMGp
UiNJ15nrCI6LfFhyFcwaoaQk2DQpj9N63RmNvU34JKiTkhXMTXE3HZPBa8Jym/t2
tlvMM7aV+liXcdnBPaWYIRyBBSroz+gYQznCBVXWJsx4/CKWZRzTimGQmsRIcjkG
95dsvX2pwcOr73wfTbVDlVdAn+1VQMKb58gErow4RWqVwJ+SyZmuRDYonsSHp9Jt
5kJXwZP3UPudWeTAB9xaWaXHbcILraYnw1+wgr/W6oosJEi7SquiAVHaIyc8YX4L
JRhScNA6Flg3CAc8WFyH4Y+ZhUTBAu4el7HaYpdE9bY0lR0wJsXFIm6+52+LXxYt
QhyZAjgzMT6GUvoWrdNeNMCXo4pk+xUNQgVjSFuHGLkfxg40oh8S5R4=
=GmdY
-----END PGP PUBLIC KEY BLOCK-----
`;

/** Fingerprint of "Red Hat, Inc. (release key 2)", key id 199E2F91FD431D51: it signs OpenShift releases. */
export const REDHAT_RELEASE_KEY_2_FINGERPRINT = '567E347AD0044ADE55BA8A5F199E2F91FD431D51';
/** Fingerprint of "Red Hat, Inc. (beta key 2)", key id 938A80CAF21541EB. */
export const REDHAT_BETA_KEY_2_FINGERPRINT = 'B08B659EE86AF623BC90E8DB938A80CAF21541EB';

/** The environment variable naming an armored public key file that replaces the embedded keys. */
export const SIGNATURE_KEY_ENV = 'OCP_SIGNATURE_VERIFICATION_PK';

/** What {@link EMBEDDED_KEYRING_SOURCE} and key-file keyrings say about where their keys came from. */
export const EMBEDDED_KEYRING_SOURCE = 'embedded Red Hat release keys';

/** The public keys a release signature may be signed with. */
export interface ReleaseKeyring {
  /** Where the keys came from, for messages: {@link EMBEDDED_KEYRING_SOURCE} or the key file's path. */
  readonly source: string;
  readonly keys: readonly PublicKey[];
}

const ARMORED_BLOCK =
  /-----BEGIN PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----/g;

let embedded: Promise<ReleaseKeyring> | undefined;

/**
 * The keyring to verify release signatures with: the keys of the file named by `OCP_SIGNATURE_VERIFICATION_PK`
 * when that variable is set and not empty, else the embedded Red Hat keys. A key file that cannot be read or
 * holds no usable armored public key is an error naming the file (oc-mirror falls back to the embedded keys
 * with a warning, which turns a typo into "unknown signer" later on).
 */
export async function loadKeyring(options: { env?: NodeJS.ProcessEnv } = {}): Promise<ReleaseKeyring> {
  const path = (options.env ?? process.env)[SIGNATURE_KEY_ENV];
  if (!path) {
    embedded ??= parseArmoredKeyring(REDHAT_RELEASE_KEYS_ARMORED, EMBEDDED_KEYRING_SOURCE);
    return embedded;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SignatureError(
      'keyring',
      `cannot read the release signature key file ${path} (${SIGNATURE_KEY_ENV}): ${(err as { code?: string }).code ?? String(err)}`,
      {
        hint: `${SIGNATURE_KEY_ENV} must name a readable ASCII-armored PGP public key file, or be unset to use the Red Hat keys`,
        cause: err,
      },
    );
  }
  return parseArmoredKeyring(text, path);
}

/**
 * The public keys of every armored key block in `text` (several blocks may be concatenated; private key blocks
 * count for their public part). `source` names the text in errors and in the keyring.
 */
export async function parseArmoredKeyring(text: string, source: string): Promise<ReleaseKeyring> {
  const blocks = text.match(ARMORED_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new SignatureError(
      'keyring',
      `release signature key file ${source} holds no ASCII-armored PGP public key block`,
      {
        hint: 'export the key with `gpg --armor --export <key id>`; the file must start with -----BEGIN PGP PUBLIC KEY BLOCK-----',
      },
    );
  }
  const keys: PublicKey[] = [];
  for (const block of blocks) {
    let read: Key[];
    try {
      read = await readKeys({ armoredKeys: block });
    } catch (err) {
      throw new SignatureError(
        'keyring',
        `release signature key file ${source} is malformed: ${(err as Error).message}`,
        { hint: 'export the key again with `gpg --armor --export <key id>`', cause: err },
      );
    }
    for (const key of read) keys.push(key.toPublic());
  }
  if (keys.length === 0) {
    throw new SignatureError('keyring', `release signature key file ${source} holds no public key`, {
      hint: 'export the key with `gpg --armor --export <key id>`',
    });
  }
  return { source, keys };
}

/** The 16-hex-digit ids (upper case) of every key and subkey of the keyring, for messages. */
export function keyringKeyIds(keyring: ReleaseKeyring): string[] {
  return keyring.keys.flatMap((key) => [key, ...key.getSubkeys()].map((k) => k.getKeyID().toHex().toUpperCase()));
}
