/**
 * Semantic checks of a `mirror:`/`delete:` stanza after decoding: oc-mirror's §1.11 rules with its messages, and
 * the checks it only makes later (collection) that we make up front (docs/config-validation.md).
 */
import { compileBlockedImagePattern } from './blocked-image-pattern.js';
import {
  dockerGrammarProblem,
  invalidTagMessage,
  invalidTargetPathMessage,
  isValidTag,
  isValidTargetPath,
  parseConfigImageRef,
  uniqueImageName,
} from './config-reference.js';
import { RELEASE_ARCHITECTURES, type Helm, type ImageSetSpec, type ReleasePlatform } from './image-set-config.js';
import type { Platform } from '../image-types.js';
import { compareVersions, isStrictSemver } from './lenient-semver.js';
import { closestMatch } from './suggest.js';
import { validateOperators } from './validate-operators.js';
import { errorAt, errorAtKey, keyAt, usable, warnAt, warnAtKey, type ValidationContext } from './validation-context.js';

const q = (value: string | undefined): string => JSON.stringify(value ?? '');

const PLATFORMS_AND_ARCHITECTURES =
  'platform.platforms and platform.architectures cannot be used together; use platform.platforms for sparse ' +
  'manifest filtering (requires disabling manifest list blob checks on container registry side), or ' +
  'platform.architectures (deprecated) for OCP multi payload or single arch payloads';

/** oc-mirror checks these only when collecting (InstancePlatformFilter.Validate); same messages, up front. */
function checkPlatforms(ctx: ValidationContext, path: string, platforms: Platform[] | undefined): void {
  (platforms ?? []).forEach((platform, index) => {
    const itemPath = `${path}[${index}]`;
    if (ctx.broken.has(itemPath)) return;
    if (!platform.os && !ctx.broken.has(`${itemPath}.os`)) {
      errorAt(ctx, itemPath, `platform OS must not be empty (architecture: ${q(platform.architecture)})`);
    } else if (!platform.architecture && !ctx.broken.has(`${itemPath}.architecture`)) {
      errorAt(ctx, itemPath, `platform architecture must not be empty (OS: ${q(platform.os)})`);
    }
  });
}

/** Names people use for Cincinnati's architectures. */
const ARCHITECTURE_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', ppc64el: 'ppc64le' };

function validatePlatform(ctx: ValidationContext, root: string, platform: ReleasePlatform | undefined): void {
  if (!platform) return;
  const path = `${root}.platform`;
  const channels = platform.channels ?? [];
  const seen = new Set<string>();
  channels.forEach((channel, index) => {
    const channelPath = `${path}.channels[${index}]`;
    if (channel.name !== undefined) {
      if (seen.has(channel.name)) {
        errorAt(ctx, `${channelPath}.name`, `release channel ${q(channel.name)}: duplicate found in configuration`);
      }
      seen.add(channel.name);
    }
    // Runs before normalisation: `type` is still the string as written.
    const type = channel.type as string | undefined;
    if (
      type !== undefined &&
      type.toLowerCase() !== 'ocp' &&
      type !== 'okd' &&
      !ctx.broken.has(`${channelPath}.type`)
    ) {
      const hint = closestMatch(type, ['ocp', 'okd']);
      warnAt(
        ctx,
        `${channelPath}.type`,
        `release channel ${q(channel.name)}: unknown type ${q(type)} is treated as "ocp"` +
          (hint ? `; did you mean ${q(hint)}?` : ' (expected "ocp" or "okd")'),
      );
    }
    let versionsValid = true;
    for (const key of ['minVersion', 'maxVersion'] as const) {
      const value = channel[key];
      if (!usable(ctx, `${channelPath}.${key}`, value) || isStrictSemver(value as string)) continue;
      versionsValid = false;
      errorAt(
        ctx,
        `${channelPath}.${key}`,
        `release channel ${q(channel.name)}: ${key} ${q(value)} must be a full semantic version such as "4.18.1" (X.Y.Z, no "v" prefix)`,
      );
    }
    if (
      versionsValid &&
      channel.minVersion &&
      channel.maxVersion &&
      compareVersions(channel.minVersion, channel.maxVersion) > 0
    ) {
      warnAt(
        ctx,
        `${channelPath}.minVersion`,
        `release channel ${q(channel.name)}: minVersion ${q(channel.minVersion)} is greater than maxVersion ${q(channel.maxVersion)}: no release can match`,
      );
    }
  });
  checkPlatforms(ctx, `${path}.platforms`, platform.platforms);
  const architectures = platform.architectures ?? [];
  architectures.forEach((arch, index) => {
    const archPath = `${path}.architectures[${index}]`;
    if (ctx.broken.has(archPath) || (RELEASE_ARCHITECTURES as readonly string[]).includes(arch)) return;
    const hint = ARCHITECTURE_ALIASES[arch] ?? closestMatch(arch, RELEASE_ARCHITECTURES);
    errorAt(
      ctx,
      archPath,
      `unknown release architecture ${q(arch)}` +
        (hint ? `; did you mean ${q(hint)}?` : ` (expected one of: ${RELEASE_ARCHITECTURES.join(', ')})`),
    );
  });
  if ((platform.platforms?.length ?? 0) > 0 && architectures.length > 0) {
    errorAtKey(ctx, `${path}.platforms`, PLATFORMS_AND_ARCHITECTURES);
  } else if (architectures.length > 0) {
    // oc-mirror's words (internal/pkg/release/cincinnati.go).
    warnAtKey(
      ctx,
      `${path}.architectures`,
      'platform.architectures is deprecated; use platform.platforms instead for sparse manifest platform filtering',
    );
  }
  if (usable(ctx, `${path}.release`, platform.release)) {
    const release = platform.release as string;
    try {
      const grammar = dockerGrammarProblem(parseConfigImageRef(release));
      if (grammar) errorAt(ctx, `${path}.release`, `invalid release reference ${q(release)}: ${grammar}`);
    } catch (err) {
      errorAt(ctx, `${path}.release`, (err as Error).message);
    }
    if (channels.length > 0) {
      warnAtKey(ctx, `${path}.channels`, 'platform.channels are ignored because platform.release is set');
    }
  }
}

function validateAdditionalImages(ctx: ValidationContext, root: string, spec: ImageSetSpec): void {
  const firstSeen = new Map<string, number>();
  (spec.additionalImages ?? []).forEach((image, index) => {
    const path = `${root}.additionalImages[${index}]`;
    let referenceOk = false;
    if (usable(ctx, `${path}.name`, image.name)) {
      try {
        const ref = parseConfigImageRef(image.name);
        if (ref.transport !== 'docker://' && ref.transport !== 'oci://') {
          errorAt(
            ctx,
            `${path}.name`,
            `additional image ${q(image.name)}: unsupported transport ${q(ref.transport)} (use a registry reference or oci://)`,
          );
        } else {
          const grammar = dockerGrammarProblem(ref);
          if (grammar) errorAt(ctx, `${path}.name`, `invalid image reference ${q(image.name)}: ${grammar}`);
          else referenceOk = true;
        }
      } catch (err) {
        errorAt(ctx, `${path}.name`, (err as Error).message);
      }
    }
    checkPlatforms(ctx, `${path}.platforms`, image.platforms);
    let targetOk = true;
    if (usable(ctx, `${path}.targetRepo`, image.targetRepo) && !isValidTargetPath(image.targetRepo as string)) {
      errorAt(ctx, `${path}.targetRepo`, invalidTargetPathMessage(image.targetRepo as string));
      targetOk = false;
    }
    if (usable(ctx, `${path}.targetTag`, image.targetTag) && !isValidTag(image.targetTag as string)) {
      errorAt(ctx, `${path}.targetTag`, invalidTagMessage(image.targetTag as string));
      targetOk = false;
    }
    if (referenceOk && targetOk) {
      const unique = uniqueImageName(image.name, image.targetRepo, image.targetTag);
      const first = firstSeen.get(unique);
      if (first !== undefined) {
        warnAt(
          ctx,
          `${path}.name`,
          `additional image ${q(unique)}: duplicate found in configuration (first at line ${keyAt(ctx, `${root}.additionalImages[${first}]`).line}); it is mirrored once`,
        );
      } else {
        firstSeen.set(unique, index);
      }
    }
  });
}

function validateHelm(ctx: ValidationContext, root: string, helm: Helm | undefined): void {
  if (!helm) return;
  const names = new Set<string>();
  (helm.repositories ?? []).forEach((repo, index) => {
    const path = `${root}.helm.repositories[${index}]`;
    if (repo.name !== undefined) {
      if (names.has(repo.name))
        errorAt(ctx, `${path}.name`, `helm repository ${q(repo.name)}: duplicate found in configuration`);
      names.add(repo.name);
    }
    if (usable(ctx, `${path}.url`, repo.url)) {
      let url: URL | undefined;
      try {
        url = new URL(repo.url);
      } catch {
        url = undefined;
      }
      if (url?.protocol === 'oci:') {
        errorAt(
          ctx,
          `${path}.url`,
          `helm repository ${q(repo.name)}: OCI chart repositories (${q(repo.url)}) are not supported; use an http(s) repository with an index.yaml`,
        );
      } else if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        errorAt(
          ctx,
          `${path}.url`,
          `helm repository ${q(repo.name)}: url ${q(repo.url)} must be an absolute http:// or https:// URL`,
        );
      } else if (repo.charts === undefined && !repo.url.endsWith('/')) {
        warnAt(
          ctx,
          `${path}.url`,
          `helm repository ${q(repo.name)}: url does not end with "/"; with no charts listed oc-mirror fetches ${q(`${repo.url}index.yaml`)}`,
        );
      }
    }
    (repo.charts ?? []).forEach((chart, chartIndex) => {
      checkImagePaths(ctx, `${path}.charts[${chartIndex}]`, chart.imagePaths);
      checkPlatforms(ctx, `${path}.charts[${chartIndex}].platforms`, chart.platforms);
    });
  });
  (helm.local ?? []).forEach((chart, index) => {
    checkImagePaths(ctx, `${root}.helm.local[${index}]`, chart.imagePaths);
    checkPlatforms(ctx, `${root}.helm.local[${index}].platforms`, chart.platforms);
  });
}

function checkImagePaths(ctx: ValidationContext, chartPath: string, imagePaths: string[] | undefined): void {
  (imagePaths ?? []).forEach((expression, index) => {
    const path = `${chartPath}.imagePaths[${index}]`;
    if (ctx.broken.has(path) || /^\s*\{.*\}\s*$/s.test(expression)) return;
    warnAt(
      ctx,
      path,
      `image path ${q(expression)} is not wrapped in {…}: Kubernetes JSONPath treats it as plain text, so it finds no image (write ${q(`{${expression}}`)})`,
    );
  });
}

function validateBlockedImages(ctx: ValidationContext, root: string, spec: ImageSetSpec): void {
  (spec.blockedImages ?? []).forEach((blocked, index) => {
    const path = `${root}.blockedImages[${index}].name`;
    if (!usable(ctx, path, blocked.name)) return;
    try {
      compileBlockedImagePattern(blocked.name);
    } catch (err) {
      errorAt(ctx, path, `blocked image ${q(blocked.name)}: invalid regular expression: ${(err as Error).message}`);
    }
  });
}

/** Run every semantic check on the decoded stanza at `root` (`mirror` or `delete`). */
export function validateSpec(ctx: ValidationContext, root: string, spec: ImageSetSpec): void {
  validatePlatform(ctx, root, spec.platform);
  validateOperators(ctx, root, spec.operators);
  (spec.operators ?? []).forEach((operator, index) =>
    checkPlatforms(ctx, `${root}.operators[${index}].platforms`, operator.platforms),
  );
  validateAdditionalImages(ctx, root, spec);
  validateHelm(ctx, root, spec.helm);
  validateBlockedImages(ctx, root, spec);
  if ((spec.samples?.length ?? 0) > 0) {
    warnAtKey(ctx, `${root}.samples`, 'samples are not implemented (oc-mirror ignores them too)');
  }
}
