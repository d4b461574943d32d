/**
 * `ocm-tui demo` / `npm run demo`: two throwaway local registries, sample images, and a real mirror-to-mirror
 * run through a bandwidth-limited proxy so the dashboard has something to show. Everything it starts is
 * stopped and removed at the end, also after Ctrl+C.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRegistry, type LocalRegistry } from './demo/local-registry.js';
import { startThrottledProxy, type ThrottledProxy } from './demo/throttled-proxy.js';
import { seedDemoImages } from './demo/seed-images.js';
import type { CliFlags } from './cli-flags.js';
import { runMirrorCommand } from './mirror-command.js';

export async function runDemo(opts: { useUi: boolean; fps: number; json?: boolean }): Promise<number> {
  const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
  const work = await mkdtemp(join(tmpdir(), 'ocm-tui-demo-'));
  const started: (LocalRegistry | ThrottledProxy)[] = [];
  try {
    say('starting two local registries (docker-registry) on 127.0.0.1…');
    const source = await startLocalRegistry('source');
    started.push(source);
    const destination = await startLocalRegistry('destination');
    started.push(destination);
    const rate = Number(process.env.OCM_TUI_DEMO_RATE ?? 6 * 1024 * 1024);
    const proxy = await startThrottledProxy(source.host, rate);
    started.push(proxy);
    say(`seeding sample images into ${source.host}…`);
    const scale = Number(process.env.OCM_TUI_DEMO_SCALE ?? 1);
    const images = await seedDemoImages(source.host, scale);
    const isc = join(work, 'isc.yaml');
    await writeFile(
      isc,
      [
        'kind: ImageSetConfiguration',
        'apiVersion: mirror.openshift.io/v2alpha1',
        'mirror:',
        '  additionalImages:',
        ...images.map((name) => `  - name: ${name.replace(source.host, proxy.host)}`),
        '',
      ].join('\n'),
    );
    say(
      `mirroring ${images.length} images ${proxy.host} → ${destination.host} (throttled to ${(rate / 1048576).toFixed(0)} MiB/s per connection)`,
    );
    const flags: CliFlags = {
      ui: opts.useUi,
      output: opts.json ? 'json' : 'text',
      fps: opts.fps,
      config: isc,
      workspace: `file://${join(work, 'workspace')}`,
      cacheDir: join(work, 'cache'),
      srcTlsVerify: false,
      destTlsVerify: false,
      retryDelay: '200ms',
    };
    const code = await runMirrorCommand(flags, [`docker://${destination.host}/mirror`], {
      useUi: opts.useUi,
      json: Boolean(opts.json),
      demo: true,
    });
    say(code === 0 ? 'done: every image landed in the destination registry' : `finished with exit code ${code}`);
    // The summary's paths are under `work`, removed below: say so rather than leave commands that cannot work.
    say(`removing the registries and ${work}: the files listed above go with it (a real run keeps them)`);
    return code;
  } finally {
    for (const s of started.reverse())
      await (('stop' in s ? s.stop() : s.close()) as Promise<void>).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}
