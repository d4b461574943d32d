import { mkdir } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import { createRangeStream } from '../core/direct-io/range-reader.js';
import { createBlobFileStream } from '../core/direct-io/sequential-file-writer.js';
import type { PushedImage } from '../test/harness/fixture-images.js';

/**
 * The wire limit: the same bytes moved with raw parallel HTTP requests and no tool logic at all
 * (no manifest parsing, no existence checks, no digest verification, no cache).
 */

interface BlobRef {
  repository: string;
  digest: string;
  size: number;
}

function blobsPerRepository(images: PushedImage[]): BlobRef[] {
  const seen = new Map<string, BlobRef>();
  for (const image of images)
    for (const blob of image.blobs) {
      const key = `${image.repository}@${blob.digest}`;
      if (!seen.has(key)) seen.set(key, { repository: image.repository, digest: blob.digest, size: blob.size });
    }
  return [...seen.values()];
}

function distinctBlobs(images: PushedImage[]): BlobRef[] {
  const seen = new Map<string, BlobRef>();
  for (const b of blobsPerRepository(images)) if (!seen.has(b.digest)) seen.set(b.digest, b);
  return [...seen.values()];
}

function send(
  agent: Agent,
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Readable | Buffer,
): Promise<IncomingMessage> {
  const [hostname, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ agent, hostname, port: Number(port), method, path, headers }, resolve);
    req.once('error', reject);
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else body.once('error', (e) => req.destroy(e)).pipe(req);
  });
}

async function drain(res: IncomingMessage, expected: number, what: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  if (res.statusCode !== expected)
    throw new Error(`${what}: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`);
}

async function get(agent: Agent, host: string, blob: BlobRef): Promise<IncomingMessage> {
  const res = await send(agent, host, 'GET', `/v2/${blob.repository}/blobs/${blob.digest}`);
  if (res.statusCode !== 200) await drain(res, 200, `GET ${blob.digest}`);
  return res;
}

/** Monolithic upload: POST to open a session, one PUT with the whole body and the digest. */
async function put(agent: Agent, host: string, blob: BlobRef, body: Readable): Promise<void> {
  const start = await send(agent, host, 'POST', `/v2/${blob.repository}/blobs/uploads/`, { 'content-length': '0' });
  const location = start.headers.location;
  await drain(start, 202, `POST upload ${blob.repository}`);
  const url = new URL(String(location), `http://${host}`);
  url.searchParams.set('digest', blob.digest);
  const res = await send(
    agent,
    host,
    'PUT',
    `${url.pathname}${url.search}`,
    { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body,
  );
  await drain(res, 201, `PUT ${blob.digest}`);
}

async function putManifests(agent: Agent, host: string, images: PushedImage[]): Promise<void> {
  for (const image of images) {
    const res = await send(
      agent,
      host,
      'PUT',
      `/v2/${image.repository}/manifests/${image.tag ?? image.digest}`,
      { 'content-type': image.mediaType, 'content-length': String(image.manifestBytes.length) },
      image.manifestBytes,
    );
    await drain(res, 201, `PUT manifest ${image.reference}`);
  }
}

function agentFor(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency });
}

/** registry → registry: every (repository, blob) GET piped straight into a monolithic PUT. */
export async function wireMirrorToMirror(
  sourceHost: string,
  destHost: string,
  images: PushedImage[],
  concurrency: number,
): Promise<void> {
  const limit = pLimit(concurrency);
  const src = agentFor(concurrency);
  const dst = agentFor(concurrency);
  try {
    await Promise.all(
      blobsPerRepository(images).map((blob) =>
        limit(async () => put(dst, destHost, blob, await get(src, sourceHost, blob))),
      ),
    );
    await putManifests(dst, destHost, images);
  } finally {
    src.destroy();
    dst.destroy();
  }
}

/**
 * registry → disk: every distinct blob GET into a file of `dir`, written the fastest way this machine has: with
 * direct I/O for files of 1 MiB and more, as ocm-tui writes its blobs (core/direct-io), so the limit stays a
 * limit. Nothing is hashed or synced.
 */
export async function wireMirrorToDisk(
  sourceHost: string,
  images: PushedImage[],
  dir: string,
  concurrency: number,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const limit = pLimit(concurrency);
  const src = agentFor(concurrency);
  try {
    await Promise.all(
      distinctBlobs(images).map((blob) =>
        limit(async () =>
          pipeline(
            await get(src, sourceHost, blob),
            createBlobFileStream(join(dir, blob.digest.replace(':', '-')), blob.size),
          ),
        ),
      ),
    );
  } finally {
    src.destroy();
  }
}

/**
 * disk → registry: every (repository, blob) PUT from the files written by {@link wireMirrorToDisk}, read with
 * direct I/O from 1 MiB on (as ocm-tui reads its archive).
 */
export async function wireDiskToMirror(
  destHost: string,
  images: PushedImage[],
  dir: string,
  concurrency: number,
): Promise<void> {
  const limit = pLimit(concurrency);
  const dst = agentFor(concurrency);
  try {
    await Promise.all(
      blobsPerRepository(images).map((blob) =>
        limit(() =>
          put(dst, destHost, blob, createRangeStream(join(dir, blob.digest.replace(':', '-')), 0, blob.size)),
        ),
      ),
    );
    await putManifests(dst, destHost, images);
  } finally {
    dst.destroy();
  }
}
