import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SIGNATURE_URL,
  OKD_SIGNATURE_URL,
  SignatureFetchError,
  SignatureStore,
  findCachedSignature,
  signatureBaseUrl,
  storeSignature,
} from '../../../core/collect/release/signature-store.js';
import { CancelledError, OcmError } from '../../../core/errors.js';

const RELEASE = fileURLToPath(new URL('../../../../test/fixtures/upstream/release/', import.meta.url));
const HEX = '0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363';
const SIGNATURE = readFileSync(join(RELEASE, 'signatures', `4.15.0-x86_64-sha256-${HEX}`));
const FAST_RETRY = { times: 2, delayMs: 5 };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local signature server for one test: answers with `handler`, records every request path. */
async function withServer(handler: Handler, fn: (base: string, paths: string[]) => Promise<void>): Promise<void> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}/pub/signatures/`, paths);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function store(base: string, extra: Partial<ConstructorParameters<typeof SignatureStore>[0]> = {}): SignatureStore {
  return new SignatureStore({ env: { OCP_SIGNATURE_URL: base }, retry: FAST_RETRY, timeoutMs: 5_000, ...extra });
}

async function fetchError(promise: Promise<unknown>): Promise<SignatureFetchError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof SignatureFetchError, `expected a SignatureFetchError, got ${String(caught)}`);
  assert.ok(caught instanceof OcmError);
  assert.equal(caught.code, 'RELEASE_SIGNATURE_FETCH');
  assert.ok(caught.hint);
  return caught;
}

test('the signature URL is <base>sha256=<hex>/signature-1, the base used as written', () => {
  assert.equal(
    new SignatureStore({ env: {} }).signatureUrl(HEX),
    `https://mirror.openshift.com/pub/openshift-v4/signatures/openshift/release/sha256=${HEX}/signature-1`,
  );
  assert.equal(signatureBaseUrl({}), DEFAULT_SIGNATURE_URL);
  assert.equal(
    OKD_SIGNATURE_URL,
    'https://storage.googleapis.com/openshift-ci-release/releases/signatures/openshift/release/',
  );
  assert.equal(
    new SignatureStore({ env: { OCP_SIGNATURE_URL: OKD_SIGNATURE_URL } }).signatureUrl(`sha256:${HEX}`),
    `${OKD_SIGNATURE_URL}sha256=${HEX}/signature-1`,
  );
  // Concatenated directly: without a trailing slash the last segment runs into "sha256=".
  assert.equal(
    new SignatureStore({ env: { OCP_SIGNATURE_URL: 'http://sigs.example.com/release' } }).signatureUrl(HEX),
    `http://sigs.example.com/releasesha256=${HEX}/signature-1`,
  );
  for (const bad of ['not a url', 'mirror.example.com/sigs/', 'ftp://mirror.example.com/sigs/', 'file:///tmp/sigs/']) {
    assert.throws(
      () => new SignatureStore({ env: { OCP_SIGNATURE_URL: bad } }),
      (err: unknown) =>
        err instanceof OcmError && err.message.includes('OCP_SIGNATURE_URL is not an absolute http(s) URL'),
    );
  }
  assert.throws(() => new SignatureStore({ env: {} }).signatureUrl('abc'), TypeError);
});

test('200: the signature bytes, fetched from exactly <base>sha256=<hex>/signature-1', async () => {
  await withServer(
    (_req, res) => res.end(SIGNATURE),
    async (base, paths) => {
      const s = store(base);
      try {
        const bytes = await s.fetchSignature(HEX);
        assert.deepEqual(Buffer.from(bytes), SIGNATURE);
        assert.deepEqual(paths, [`/pub/signatures/sha256=${HEX}/signature-1`]);
      } finally {
        await s.close();
      }
    },
  );
});

test('404: "no signature found for release <digest> at <url>", not retried', async () => {
  await withServer(
    (_req, res) => {
      res.statusCode = 404;
      res.end('not found');
    },
    async (base, paths) => {
      const s = store(base);
      try {
        const err = await fetchError(s.fetchSignature(HEX));
        assert.equal(
          err.message,
          `no signature found for release sha256:${HEX} at ${base}sha256=${HEX}/signature-1: HTTP 404`,
        );
        assert.equal(err.status, 404);
        assert.equal(err.url, `${base}sha256=${HEX}/signature-1`);
        assert.equal(paths.length, 1);
      } finally {
        await s.close();
      }
    },
  );
});

test('503 then 200: retried with backoff, then the bytes', async () => {
  let calls = 0;
  await withServer(
    (_req, res) => {
      if (calls++ === 0) {
        res.statusCode = 503;
        res.end('busy');
      } else res.end(SIGNATURE);
    },
    async (base, paths) => {
      const retries: { attempt: number; maxAttempts: number; reason: string }[] = [];
      const s = store(base, { onRetry: (r) => retries.push(r) });
      try {
        assert.deepEqual(Buffer.from(await s.fetchSignature(HEX)), SIGNATURE);
        assert.equal(paths.length, 2);
        assert.deepEqual(
          retries.map((r) => [r.attempt, r.maxAttempts, r.reason]),
          [[2, 3, 'HTTP 503']],
        );
      } finally {
        await s.close();
      }
    },
  );
});

test('503 every time: fails after the retries with the status', async () => {
  await withServer(
    (_req, res) => {
      res.statusCode = 503;
      res.end();
    },
    async (base, paths) => {
      const s = store(base);
      try {
        const err = await fetchError(s.fetchSignature(HEX));
        assert.match(
          err.message,
          /^no signature found for release sha256:0da6.* at http:.*\/signature-1: HTTP 503 \(after 3 attempts\)$/,
        );
        assert.equal(err.status, 503);
        assert.equal(paths.length, 3);
      } finally {
        await s.close();
      }
    },
  );
});

test('a connection failure is retried, then reported as "no signature found" with the cause', async () => {
  // A port that nothing listens on any more.
  let base = '';
  await withServer(
    (_req, res) => res.end(),
    async (b) => {
      base = b;
    },
  );
  const retries: string[] = [];
  const s = store(base, { onRetry: (r) => retries.push(r.reason) });
  try {
    const err = await fetchError(s.fetchSignature(HEX));
    assert.match(err.message, /^no signature found for release sha256:0da6.*: .*ECONNREFUSED.* \(after 3 attempts\)$/);
    assert.equal(retries.length, 2);
  } finally {
    await s.close();
  }
});

test('a redirect is followed; an empty or oversized answer is not a signature', async () => {
  await withServer(
    (req, res) => {
      if (req.url?.startsWith('/pub/signatures/')) {
        res.statusCode = 302;
        res.setHeader('location', `/moved${req.url}`);
        res.end();
      } else if (req.url?.includes('/empty/')) res.end();
      else if (req.url?.includes('/huge/')) res.end(Buffer.alloc(100 * 1024));
      else res.end(SIGNATURE);
    },
    async (base, paths) => {
      const s = store(base);
      try {
        assert.deepEqual(Buffer.from(await s.fetchSignature(HEX)), SIGNATURE);
        assert.deepEqual(paths, [
          `/pub/signatures/sha256=${HEX}/signature-1`,
          `/moved/pub/signatures/sha256=${HEX}/signature-1`,
        ]);
      } finally {
        await s.close();
      }
      const origin = new URL(base).origin;
      const empty = store(`${origin}/empty/`);
      const huge = store(`${origin}/huge/`);
      try {
        assert.match(
          (await fetchError(empty.fetchSignature(HEX))).message,
          /the server answered 200 with an empty body$/,
        );
        assert.match(
          (await fetchError(huge.fetchSignature(HEX))).message,
          /the answer is not a signature: response larger than/,
        );
      } finally {
        await empty.close();
        await huge.close();
      }
    },
  );
});

test('an aborted signal cancels the fetch', async () => {
  await withServer(
    (_req, res) => {
      res.statusCode = 503;
      res.end();
    },
    async (base) => {
      const s = store(base, { retry: { times: 5, delayMs: 10_000 } });
      const controller = new AbortController();
      try {
        const pending = s.fetchSignature(HEX, { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await assert.rejects(pending, CancelledError);
      } finally {
        await s.close();
      }
    },
  );
});

test('cache: store writes signatures/<tag>-sha256-<hex> with mode 0600, never overwrites, find returns it', async () => {
  const workingDir = await mkdtemp(join(tmpdir(), 'ocm-sigcache-'));
  try {
    assert.equal(await findCachedSignature(workingDir, HEX), undefined, 'no signatures/ dir yet');
    const first = await storeSignature(workingDir, '4.15.0-x86_64', HEX, SIGNATURE);
    const expectedPath = join(workingDir, 'signatures', `4.15.0-x86_64-sha256-${HEX}`);
    assert.deepEqual(first, { path: expectedPath, written: true });
    assert.equal((await stat(expectedPath)).mode & 0o777, 0o600);
    assert.deepEqual(await readFile(expectedPath), SIGNATURE);

    const second = await storeSignature(workingDir, '4.15.0-x86_64', HEX, Buffer.from('other bytes'));
    assert.deepEqual(second, { path: expectedPath, written: false });
    assert.deepEqual(await readFile(expectedPath), SIGNATURE, 'an existing file is kept');
    assert.deepEqual(
      await readdir(join(workingDir, 'signatures')),
      [`4.15.0-x86_64-sha256-${HEX}`],
      'no temporary files left',
    );

    const found = await findCachedSignature(workingDir, `sha256:${HEX}`);
    assert.deepEqual(found && { path: found.path, bytes: Buffer.from(found.bytes) }, {
      path: expectedPath,
      bytes: SIGNATURE,
    });

    await assert.rejects(storeSignature(workingDir, '../evil', HEX, SIGNATURE), OcmError);
    await assert.rejects(storeSignature(workingDir, '', HEX, SIGNATURE), OcmError);
  } finally {
    await rm(workingDir, { recursive: true, force: true });
  }
});

test('cache: the first file (by name) whose name contains the hex; directories, other digests and empty files do not count', async () => {
  const workingDir = await mkdtemp(join(tmpdir(), 'ocm-sigcache-'));
  const dir = join(workingDir, 'signatures');
  try {
    await mkdir(join(dir, `aaa-dir-${HEX}`), { recursive: true });
    await writeFile(join(dir, `4.15.0-x86_64-sha256-${'e'.repeat(64)}`), 'other');
    await writeFile(join(dir, `zz-${HEX}`), 'second');
    await writeFile(join(dir, `b-sha256-${HEX}`), 'first');
    const found = await findCachedSignature(workingDir, HEX);
    assert.equal(found?.path, join(dir, `b-sha256-${HEX}`));
    assert.equal(Buffer.from(found?.bytes ?? []).toString(), 'first');

    await writeFile(join(dir, `a-sha256-${HEX}`), '');
    const warnings: string[] = [];
    assert.equal(await findCachedSignature(workingDir, HEX, { onWarning: (w) => warnings.push(w) }), undefined);
    assert.match(warnings[0] ?? '', /a-sha256-0da6.* is empty; fetching it again/);
  } finally {
    await rm(workingDir, { recursive: true, force: true });
  }
});
