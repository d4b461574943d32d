/**
 * Error taxonomy. Every error a user can see says what failed, where (registry, image, file:line:col),
 * and what to do. Messages never contain credentials: build them from redacted parts only.
 */

/** Base of every error ocm-tui raises on purpose. `code` is stable and appears in JSON output. */
export class OcmError extends Error {
  readonly code: string;
  /** What the user can do about it, printed under the message. */
  readonly hint?: string;
  constructor(code: string, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Wrong flags or arguments (exit 1). */
export class UsageError extends OcmError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, { hint });
  }
}

/** The run was cancelled (Ctrl+C, SIGTERM, SIGHUP): exit 130, never retried. */
export class CancelledError extends OcmError {
  constructor(message = 'cancelled') {
    super('CANCELLED', message);
  }
}

export type Side = 'source' | 'destination';

/**
 * A registry said no, or could not be reached. `registryCode` is the OCI error code from the body
 * (`MANIFEST_UNKNOWN`, `BLOB_UNKNOWN`, `DENIED`, `TOOMANYREQUESTS`, …).
 */
export class RegistryError extends OcmError {
  readonly status?: number;
  readonly registryCode?: string;
  readonly registry: string;
  readonly operation: string;
  readonly reference?: string;
  readonly side?: Side;
  /** True when retrying may help (5xx, 429, 408, resets, timeouts). */
  readonly temporary: boolean;
  readonly retryAfterMs?: number;
  constructor(init: {
    message: string;
    registry: string;
    operation: string;
    reference?: string;
    side?: Side;
    status?: number;
    registryCode?: string;
    temporary: boolean;
    retryAfterMs?: number;
    hint?: string;
    cause?: unknown;
    code?: string;
  }) {
    super(init.code ?? (init.registryCode || (init.status ? `HTTP_${init.status}` : 'NETWORK')), init.message, {
      cause: init.cause,
      hint: init.hint,
    });
    this.status = init.status;
    this.registryCode = init.registryCode;
    this.registry = init.registry;
    this.operation = init.operation;
    this.reference = init.reference;
    this.side = init.side;
    this.temporary = init.temporary;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The same error with another message (and, optionally, another retry verdict), this one as its cause. */
  withMessage(message: string, temporary = this.temporary): RegistryError {
    return new RegistryError({
      message,
      registry: this.registry,
      operation: this.operation,
      reference: this.reference,
      side: this.side,
      status: this.status,
      registryCode: this.registryCode,
      temporary,
      retryAfterMs: this.retryAfterMs,
      hint: this.hint,
      cause: this,
      code: this.code,
    });
  }
}

/** Bytes did not hash to the digest they were fetched or stored under. Retryable: the next fetch may be fine. */
export class DigestMismatchError extends OcmError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, where: string) {
    super('DIGEST_MISMATCH', `digest mismatch for ${where}: expected ${expected}, got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** One problem in a configuration file, located at file:line:col. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Dotted path of the offending key, e.g. `mirror.additionalImages[2].name`. */
  path: string;
}

/** A configuration file is invalid; carries every problem found, not only the first. */
export class ConfigError extends OcmError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super('CONFIG', problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
    this.problems = problems;
  }
}

/** An archive is malformed or hostile; names the chunk and the entry. */
export class ArchiveError extends OcmError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('ARCHIVE', message, { hint, cause: options?.cause });
  }
}

export function isCancellation(err: unknown, signal?: AbortSignal): boolean {
  if (err instanceof CancelledError) return true;
  if (signal?.aborted) return true;
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

/** A message for humans: the error's message plus its hint, never a stack. */
export function describeError(err: unknown): string {
  if (err instanceof OcmError) return err.hint ? `${err.message}\n  hint: ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
