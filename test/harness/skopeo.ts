import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDirSync } from './temp-dir.js';

/** How skopeo talks to one registry. */
export interface SkopeoOptions {
  /** require https and verify certificates; must be false for the plain-http registries (default true, as skopeo) */
  tlsVerify?: boolean;
  /** 'user:password' */
  creds?: string;
  /** directory with ca.crt (RunningRegistry.certDir) */
  certDir?: string;
  /** access the registry anonymously even if credentials are configured somewhere */
  noCreds?: boolean;
}

export interface SkopeoCopyOptions extends SkopeoOptions {
  /** `--all`: copy every image of a list/index */
  all?: boolean;
  /** `--preserve-digests`: fail rather than change a manifest */
  preserveDigests?: boolean;
  /** `--format oci|v2s2|v2s1` */
  format?: 'oci' | 'v2s2' | 'v2s1';
  /** source-side options; override the shared ones */
  src?: SkopeoOptions;
  /** destination-side options; override the shared ones */
  dest?: SkopeoOptions;
}

/** Options that make skopeo talk to a harness registry: tls-verify as the registry, its cert dir, and creds. */
export function skopeoOptionsFor(
  registry: { tls: boolean; certDir?: string },
  credentials?: { username: string; password: string },
): SkopeoOptions {
  return {
    tlsVerify: registry.tls,
    certDir: registry.certDir,
    creds: credentials && `${credentials.username}:${credentials.password}`,
  };
}

const TRANSPORTS = ['docker://', 'oci:', 'oci-archive:', 'dir:', 'docker-archive:', 'containers-storage:'];

/** 'host/repo:tag' → 'docker://host/repo:tag'; references with a transport are kept. */
export function withTransport(ref: string): string {
  return TRANSPORTS.some((t) => ref.startsWith(t)) ? ref : `docker://${ref}`;
}

/** An empty auth file so skopeo never picks up credentials lying around on the machine. */
let isolatedAuthFile: string | undefined;
function authFile(): string {
  if (isolatedAuthFile === undefined) {
    const file = join(makeTempDirSync('ocm-skopeo-auth-'), 'auth.json');
    writeFileSync(file, '{"auths":{}}\n');
    isolatedAuthFile = file;
  }
  return isolatedAuthFile;
}

function sideFlags(prefix: '' | 'src-' | 'dest-', opts: SkopeoOptions): string[] {
  const flags: string[] = [];
  if (opts.tlsVerify !== undefined) flags.push(`--${prefix}tls-verify=${opts.tlsVerify}`);
  if (opts.creds !== undefined) flags.push(`--${prefix}creds`, opts.creds);
  if (opts.noCreds) flags.push(`--${prefix}no-creds`);
  if (opts.certDir !== undefined) flags.push(`--${prefix}cert-dir`, opts.certDir);
  return flags;
}

/** Runs skopeo (with `env` added to the environment); rejects with its stderr (credentials redacted from the command line shown). */
export function runSkopeo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'skopeo',
      args,
      {
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...env, REGISTRY_AUTH_FILE: authFile() },
      },
      (error, stdout, stderr) => {
        if (error) {
          const shown = args
            .map((arg, i) => (/^--(src-|dest-)?creds$/.test(args[i - 1] ?? '') ? '<redacted>' : arg))
            .join(' ');
          reject(
            new Error(`skopeo ${shown} failed (${error.code ?? error.signal}): ${stderr.toString('utf8').trim()}`),
          );
        } else resolve(stdout);
      },
    );
  });
}

/** `skopeo inspect --raw`: the manifest (or index) exactly as the registry serves it. */
export async function skopeoInspectRaw(ref: string, opts: SkopeoOptions = {}): Promise<Buffer> {
  return runSkopeo(['inspect', '--raw', ...sideFlags('', opts), withTransport(ref)]);
}

/** sha256 of the raw manifest bytes, 'sha256:<hex>'. */
export async function skopeoManifestDigest(ref: string, opts: SkopeoOptions = {}): Promise<string> {
  const raw = await skopeoInspectRaw(ref, opts);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** `skopeo inspect --config --raw`: the config blob of a single image. */
export async function skopeoInspectConfigRaw(ref: string, opts: SkopeoOptions = {}): Promise<Buffer> {
  return runSkopeo(['inspect', '--config', '--raw', ...sideFlags('', opts), withTransport(ref)]);
}

/** `skopeo copy`; shared options apply to both sides unless `src`/`dest` override them. */
export async function skopeoCopy(src: string, dst: string, opts: SkopeoCopyOptions = {}): Promise<void> {
  const { all, preserveDigests, format, src: srcOpts, dest: destOpts, ...shared } = opts;
  const args = ['copy', '--quiet', '--insecure-policy', '--retry-times', '0'];
  if (all) args.push('--all');
  if (preserveDigests) args.push('--preserve-digests');
  if (format) args.push('--format', format);
  const srcTransport = withTransport(src);
  const dstTransport = withTransport(dst);
  // Registry options are only meaningful (and for some transports only accepted) on docker:// sides.
  if (srcTransport.startsWith('docker://')) args.push(...sideFlags('src-', { ...shared, ...srcOpts }));
  if (dstTransport.startsWith('docker://')) args.push(...sideFlags('dest-', { ...shared, ...destOpts }));
  args.push(srcTransport, dstTransport);
  await runSkopeo(args);
}

/** `skopeo list-tags`: the tags of a repository ('host/repo'), sorted as the registry returns them. */
export async function skopeoListTags(ref: string, opts: SkopeoOptions = {}): Promise<string[]> {
  const out = await runSkopeo(['list-tags', ...sideFlags('', opts), withTransport(ref)]);
  const parsed = JSON.parse(out.toString('utf8')) as { Tags?: string[] | null };
  return parsed.Tags ?? [];
}

/** `skopeo delete`: deletes the manifest a reference points to. */
export async function skopeoDelete(ref: string, opts: SkopeoOptions = {}): Promise<void> {
  await runSkopeo(['delete', ...sideFlags('', opts), withTransport(ref)]);
}
