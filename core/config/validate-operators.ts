/**
 * Checks of `operators[]`: oc-mirror's validateOperatorOptions (exact messages, core.md §1.11) plus the checks
 * its catalog filter only makes at collection time (docs/config-validation.md).
 */
import type { IncludePackage, Operator } from './image-set-config.js';
import {
  dockerGrammarProblem,
  invalidTagMessage,
  invalidTargetPathMessage,
  isValidTag,
  isValidTargetPath,
  parseConfigImageRef,
  uniqueImageName,
} from './config-reference.js';
import { compareVersions, parseLenientSemver } from './lenient-semver.js';
import { errorAt, usable, warnAt, warnAtKey, type ValidationContext } from './validation-context.js';

function checkRange(
  ctx: ValidationContext,
  path: string,
  prefix: string,
  range: { minVersion?: string; maxVersion?: string },
): boolean {
  let valid = true;
  // oc-mirror checks maxVersion first; the order only matters for messages on the same line.
  for (const key of ['maxVersion', 'minVersion'] as const) {
    const value = range[key];
    if (!usable(ctx, `${path}.${key}`, value)) continue;
    if (parseLenientSemver(value as string) === undefined) {
      errorAt(
        ctx,
        `${path}.${key}`,
        `${prefix}${key} ${JSON.stringify(value)} must respect semantic versioning notation`,
      );
      valid = false;
    }
  }
  if (valid && range.minVersion && range.maxVersion && compareVersions(range.minVersion, range.maxVersion) > 0) {
    warnAt(
      ctx,
      `${path}.minVersion`,
      `${prefix}minVersion ${JSON.stringify(range.minVersion)} is greater than maxVersion ${JSON.stringify(range.maxVersion)}: no bundle can match`,
    );
  }
  return valid;
}

function hasRange(range: { minVersion?: string; maxVersion?: string }): boolean {
  return Boolean(range.minVersion || range.maxVersion);
}

function rangePath(path: string, range: { minVersion?: string; maxVersion?: string }): string {
  return `${path}.${range.minVersion ? 'minVersion' : 'maxVersion'}`;
}

function checkPackage(ctx: ValidationContext, operator: Operator, pkg: IncludePackage, path: string): void {
  const catalog = operator.catalog;
  const pkgPrefix = `catalog ${JSON.stringify(catalog ?? '')}: operator ${JSON.stringify(pkg.name ?? '')}: `;
  checkRange(ctx, path, pkgPrefix, pkg);
  if (operator.full && hasRange(pkg)) {
    errorAt(ctx, rangePath(path, pkg), `${pkgPrefix}Full: true cannot be mixed with versionRange`);
  }
  const channelNames = new Set<string>();
  (pkg.channels ?? []).forEach((channel, index) => {
    const channelPath = `${path}.channels[${index}]`;
    if (channel.name !== undefined) {
      if (channelNames.has(channel.name)) {
        errorAt(ctx, `${channelPath}.name`, `${pkgPrefix}duplicate channel entry ${JSON.stringify(channel.name)}`);
      }
      channelNames.add(channel.name);
    }
    const channelPrefix = `${pkgPrefix}channel ${JSON.stringify(channel.name ?? '')}: `;
    checkRange(ctx, channelPath, channelPrefix, channel);
    if (hasRange(channel) && hasRange(pkg)) {
      errorAt(
        ctx,
        rangePath(channelPath, channel),
        `${pkgPrefix}mixing both filtering by minVersion/maxVersion and filtering by channel minVersion/maxVersion is not allowed`,
      );
    }
    if (operator.full && hasRange(channel)) {
      errorAt(ctx, rangePath(channelPath, channel), `${channelPrefix}Full: true cannot be mixed with versionRange`);
    }
  });
  if (pkg.defaultChannel && pkg.channels && pkg.channels.length > 0 && !channelNames.has(pkg.defaultChannel)) {
    errorAt(
      ctx,
      `${path}.defaultChannel`,
      `${pkgPrefix}specified default channel override ${JSON.stringify(pkg.defaultChannel)} does not exist in the filtered output (it is not among the listed channels)`,
    );
  }
}

function checkCatalogReference(ctx: ValidationContext, operator: Operator, path: string): void {
  if (!usable(ctx, `${path}.catalog`, operator.catalog)) return;
  try {
    const spec = parseConfigImageRef(operator.catalog);
    if (spec.transport !== 'docker://' && spec.transport !== 'oci://') {
      errorAt(
        ctx,
        `${path}.catalog`,
        `catalog ${JSON.stringify(operator.catalog)}: unsupported transport ${JSON.stringify(spec.transport)} (use a registry reference or oci://)`,
      );
      return;
    }
    const grammar = dockerGrammarProblem(spec);
    if (grammar)
      errorAt(ctx, `${path}.catalog`, `invalid catalog reference ${JSON.stringify(operator.catalog)}: ${grammar}`);
  } catch (err) {
    errorAt(ctx, `${path}.catalog`, (err as Error).message);
  }
}

/** Validate every operator entry of `<root>.operators`. */
export function validateOperators(ctx: ValidationContext, root: string, operators: Operator[] | undefined): void {
  const uniqueNames = new Set<string>();
  (operators ?? []).forEach((operator, index) => {
    const path = `${root}.operators[${index}]`;
    checkCatalogReference(ctx, operator, path);
    if (
      usable(ctx, `${path}.targetCatalog`, operator.targetCatalog) &&
      !isValidTargetPath(operator.targetCatalog as string)
    ) {
      errorAt(ctx, `${path}.targetCatalog`, invalidTargetPathMessage(operator.targetCatalog as string));
    }
    if (usable(ctx, `${path}.targetTag`, operator.targetTag) && !isValidTag(operator.targetTag as string)) {
      errorAt(ctx, `${path}.targetTag`, invalidTagMessage(operator.targetTag as string));
    }
    if (operator.catalog !== undefined && !ctx.broken.has(`${path}.catalog`)) {
      try {
        const unique = uniqueImageName(operator.catalog, operator.targetCatalog, operator.targetTag);
        if (uniqueNames.has(unique)) {
          errorAt(ctx, `${path}.catalog`, `catalog ${JSON.stringify(unique)}: duplicate found in configuration`);
        }
        uniqueNames.add(unique);
      } catch {
        // Reference or targetCatalog problems are reported above, each at its own key.
      }
    }
    if (operator.skipDependencies) {
      warnAtKey(
        ctx,
        `${path}.skipDependencies`,
        'skipDependencies has no effect (oc-mirror v2 does not resolve dependencies)',
      );
    }
    const packageNames = new Set<string>();
    (operator.packages ?? []).forEach((pkg, pkgIndex) => {
      const pkgPath = `${path}.packages[${pkgIndex}]`;
      if (pkg.name !== undefined) {
        if (packageNames.has(pkg.name)) {
          errorAt(
            ctx,
            `${pkgPath}.name`,
            `catalog ${JSON.stringify(operator.catalog ?? '')}: duplicate package entry ${JSON.stringify(pkg.name)}`,
          );
        }
        packageNames.add(pkg.name);
      }
      checkPackage(ctx, operator, pkg, pkgPath);
    });
  });
}
