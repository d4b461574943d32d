/**
 * Turns HTTP answers and network failures into RegistryErrors whose message says which registry
 * (and side), which operation on which repository/reference, what the registry said, and whose hint
 * says what the user can do. Built only from host names, repository names, digests, status codes and
 * the registry's own error code/message: never from headers, URLs with query strings, or credentials.
 */
import { STATUS_CODES } from 'node:http';
import { RegistryError, type Side } from '../errors.js';
import { shortDigest } from '../digest.js';
import {
  errorCode,
  isTemporaryNetworkError,
  isTemporaryRegistryCode,
  isTemporaryStatus,
  isTlsCertificateError,
  isTlsProtocolError,
} from './retry-policy.js';

/** What was being done, for messages and for the error's fields. */
export interface OperationContext {
  side: Side;
  /** `host[:port]` as the user wrote it. */
  registry: string;
  /** Short verb phrase: `get manifest`, `push blob`, `list tags`, … */
  operation: string;
  repository?: string;
  /** Tag or digest of a manifest, or a blob digest. */
  reference?: string;
  /** Mount source repository. */
  fromRepository?: string;
  /** Extra words after the operation, e.g. `(token from auth.example.com)`. */
  detail?: string;
}

/** Largest error body read for its `errors[]`; the rest is discarded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_REGISTRY_MESSAGE_CHARS = 300;

/** `--src` / `--dest`: the prefix of this side's flags. */
export function flagPrefix(side: Side): 'src' | 'dest' {
  return side === 'source' ? 'src' : 'dest';
}

/** `repo:tag`, `repo@sha256:…`, or the repository alone. */
export function referenceText(repository: string | undefined, reference: string | undefined): string | undefined {
  if (!repository) return reference;
  if (!reference) return repository;
  return reference.includes(':') ? `${repository}@${reference}` : `${repository}:${reference}`;
}

/** `push blob sha256:0123456789ab… to repo/x`: the operation with its object, for messages. */
export function describeOperation(ctx: OperationContext): string {
  const { operation, repository, reference } = ctx;
  const blob = reference ? shortDigest(reference) : '';
  switch (operation) {
    case 'pull blob':
      return `pull blob ${blob} from ${repository}`;
    case 'push blob':
      return `push blob ${blob} to ${repository}`;
    case 'check blob':
      return `check blob ${blob} in ${repository}`;
    case 'mount blob':
      return `mount blob ${blob} from ${ctx.fromRepository} into ${repository}`;
    case 'list tags':
      return `list tags of ${repository}`;
    case 'ping':
    case 'list repositories':
      return operation;
    default: {
      const ref = referenceText(repository, reference);
      return ref ? `${operation} ${ref}` : operation;
    }
  }
}

function prefixOf(ctx: OperationContext): string {
  const detail = ctx.detail ? ` (${ctx.detail})` : '';
  return `${ctx.side} registry ${ctx.registry}: ${describeOperation(ctx)}${detail}`;
}

/** `300ms`, `45s`: a timeout for messages. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}

/** Removes `user:password@` from any URL-looking text that might reach a message. */
export function redact(text: string): string {
  return text.replace(/\/\/[^/\s@]*@/g, '//***@');
}

/** The first `{code, message}` of an OCI error body, when the body is one. */
export function parseRegistryErrorBody(body: Buffer | undefined): { code?: string; message?: string } {
  if (!body || body.length === 0) return {};
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = Array.isArray(doc.errors) ? doc.errors[0] : undefined;
    if (!first) return {};
    return {
      code: typeof first.code === 'string' ? first.code : undefined,
      message:
        typeof first.message === 'string' ? redact(first.message).slice(0, MAX_REGISTRY_MESSAGE_CHARS) : undefined,
    };
  } catch {
    return {};
  }
}

/** A RegistryError for a non-success HTTP status. */
export function httpError(
  ctx: OperationContext,
  status: number,
  body: Buffer | undefined,
  retryAfterMs?: number,
): RegistryError {
  const { code, message } = parseRegistryErrorBody(body);
  const said = [code, message].filter(Boolean).join(' ') || STATUS_CODES[status] || 'unexpected status';
  return new RegistryError({
    message: `${prefixOf(ctx)}: ${status} ${said}`,
    registry: ctx.registry,
    operation: ctx.operation,
    reference: referenceText(ctx.repository, ctx.reference),
    side: ctx.side,
    status,
    registryCode: code,
    temporary: isTemporaryStatus(status) || isTemporaryRegistryCode(code),
    retryAfterMs,
    hint: hintForStatus(ctx, status, code),
  });
}

function hintForStatus(ctx: OperationContext, status: number, code: string | undefined): string | undefined {
  const credentials = `check the credentials for ${ctx.registry} in --authfile / $REGISTRY_AUTH_FILE / ~/.docker/config.json`;
  if (status === 401 || code === 'UNAUTHORIZED') return credentials;
  if (status === 403 || code === 'DENIED') {
    const verb = ctx.side === 'destination' ? 'push to' : 'pull from';
    return `the account used for ${ctx.registry} may not ${verb} ${ctx.repository ?? 'this repository'}; ${credentials}`;
  }
  if (status === 404) {
    if (ctx.operation === 'list repositories') return `${ctx.registry} does not offer the /v2/_catalog listing`;
    const ref = referenceText(ctx.repository, ctx.reference);
    return ref ? `check that ${ctx.registry}/${ref} exists` : undefined;
  }
  if (status === 405 || code === 'UNSUPPORTED') {
    if (ctx.operation === 'delete manifest') {
      return `${ctx.registry} does not allow deletes (for a distribution registry: storage.delete.enabled: true)`;
    }
    return `${ctx.registry} does not support this operation`;
  }
  if (status === 413) return `a proxy or the registry limits the request size for ${ctx.registry}`;
  if (status === 429 || code === 'TOOMANYREQUESTS') {
    return `${ctx.registry} is rate-limiting; retry later or lower --parallel-images / --parallel-layers`;
  }
  if (status >= 500) return `${ctx.registry} reported a server error; it may be overloaded or restarting, retry later`;
  return undefined;
}

/** A RegistryError for a failure without an HTTP answer (DNS, connect, TLS, reset, timeout). */
export function networkError(ctx: OperationContext, err: unknown, timeoutMs?: number): RegistryError {
  const code = errorCode(err);
  const prefix = flagPrefix(ctx.side);
  let what: string;
  let hint: string | undefined;
  if (isTlsCertificateError(err)) {
    what = `TLS certificate not trusted (${code})`;
    hint = `add the CA of ${ctx.registry} as a *.crt file to --${prefix}-cert-dir, or use --${prefix}-tls-verify=false`;
  } else if (isTlsProtocolError(err)) {
    what = `TLS handshake failed (${code})`;
    hint = `if ${ctx.registry} serves plain HTTP, use --${prefix}-tls-verify=false`;
  } else {
    switch (code) {
      case 'ECONNREFUSED':
        what = 'connection refused';
        hint = `nothing is listening on ${ctx.registry}; check the host name and port`;
        break;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        what = 'host name not found';
        hint = `check the registry name ${ctx.registry} and the DNS configuration`;
        break;
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
      case 'ERR_STREAM_PREMATURE_CLOSE':
        what = 'connection closed unexpectedly';
        break;
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        what = timeoutMs ? `no answer within ${formatDuration(timeoutMs)}` : 'timed out';
        hint = `check the network path (and HTTP(S)_PROXY / NO_PROXY) to ${ctx.registry}`;
        break;
      case 'UND_ERR_BODY_TIMEOUT':
      case 'IDLE_TIMEOUT':
        what = timeoutMs ? `transfer stalled for ${formatDuration(timeoutMs)}` : 'transfer stalled';
        break;
      default:
        what = code ? `network error (${code})` : redact(err instanceof Error ? err.message : String(err));
    }
    if (code && !what.includes(code)) what = `${what} (${code})`;
  }
  return new RegistryError({
    message: `${prefixOf(ctx)}: ${what}`,
    registry: ctx.registry,
    operation: ctx.operation,
    reference: referenceText(ctx.repository, ctx.reference),
    side: ctx.side,
    temporary: isTemporaryNetworkError(err),
    hint,
    cause: err,
    code: 'NETWORK',
  });
}

/** A RegistryError for an answer that is wrong in itself (bad digest header, missing Location, …). */
export function protocolError(ctx: OperationContext, what: string, code = 'PROTOCOL'): RegistryError {
  return new RegistryError({
    message: `${prefixOf(ctx)}: ${what}`,
    registry: ctx.registry,
    operation: ctx.operation,
    reference: referenceText(ctx.repository, ctx.reference),
    side: ctx.side,
    temporary: false,
    code,
  });
}
