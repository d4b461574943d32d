import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';

/** What the distribution config needs to know; paths are absolute. */
export interface RegistryConfigInput {
  port: number;
  storageDir: string;
  tls?: { certFile: string; keyFile: string };
  htpasswdFile?: string;
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** deep-merged over the generated config (objects merge, other values replace) */
  overrides?: Record<string, unknown>;
}

type ConfigObject = Record<string, unknown>;

function isObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: ConfigObject, overrides: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * Renders the docker-registry (CNCF distribution 2.8) configuration YAML. Logging goes to stderr, which the
 * harness redirects into a log file; access logs are off to keep the log about problems only.
 */
export function renderRegistryConfig(input: RegistryConfigInput): string {
  const http: Record<string, unknown> = {
    addr: `127.0.0.1:${input.port}`,
    secret: randomBytes(16).toString('hex'),
    headers: { 'X-Content-Type-Options': ['nosniff'] },
  };
  if (input.tls) http.tls = { certificate: input.tls.certFile, key: input.tls.keyFile };

  const config: Record<string, unknown> = {
    version: '0.1',
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: true },
      // Upload purging runs a background walker; nothing in a short test needs it.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http,
    health: { storagedriver: { enabled: false } },
  };
  if (input.htpasswdFile) {
    config.auth = { htpasswd: { realm: 'ocm-tui-test-registry', path: input.htpasswdFile } };
  } else if (input.token) {
    config.auth = {
      token: {
        realm: input.token.realm,
        service: input.token.service,
        issuer: input.token.issuer,
        rootcertbundle: input.token.rootCertBundle,
      },
    };
  }
  return stringify(input.overrides ? deepMerge(config, input.overrides) : config);
}
