import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { createTheme, ThemeContext } from '../../components/shared/theme.js';
import { averageThroughput, fitSummaryLines, nextSteps, summaryLines } from '../../components/summary/summary-lines.js';
import { SummaryView, renderSummaryText } from '../../components/summary/SummaryView.js';
import type { RunSummary } from '../../core/events.js';
import { MiB } from './helpers/events.js';
import { lastMeaningfulFrame, waitForFrame } from './helpers/ink-harness.js';

const UNICODE = createTheme({ color: false, unicode: true });
const ASCII = createTheme({ color: false, unicode: false });

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    workflow: 'mirrorToMirror',
    imagesTotal: 190,
    imagesOk: 187,
    imagesFailed: 2,
    imagesSkipped: 1,
    bytesCopied: 1536 * MiB,
    bytesSkipped: 300 * MiB,
    blobsCopied: 812,
    blobsSkipped: 95,
    blobsMounted: 12,
    durationMs: 768_000,
    exitCode: 1,
    byKind: { release: { ok: 180, total: 182 }, operator: { ok: 7, total: 7 } },
    outputs: [
      { label: 'cluster resources', path: '/data/ws/working-dir/cluster-resources' },
      { label: 'error report', path: '/data/ws/working-dir/logs/mirroring_errors_20260101_120000.txt' },
    ],
    cancelled: false,
    ...overrides,
  };
}

test('the summary text has counts, bytes, duration, average throughput, outputs and next steps', () => {
  const text = renderSummaryText(summary(), { columns: 100, theme: UNICODE });
  const expected = [
    '✗ Mirror to mirror finished with errors in 12m 48s',
    'Images    187 ok · 2 failed · 1 skipped · 190 total',
    '          release 180/182 · operator 7/7',
    'Bytes     1.5 GiB copied · 300 MiB already present or mounted',
    'Blobs     812 copied · 95 already present · 12 mounted',
    'Time      12m 48s · average 2 MiB/s',
    'Outputs',
    '  cluster resources: /data/ws/working-dir/cluster-resources',
    '  error report: /data/ws/working-dir/logs/mirroring_errors_20260101_120000.txt',
    'Next',
    '  oc apply -f /data/ws/working-dir/cluster-resources',
    '  See why images failed: /data/ws/working-dir/logs/mirroring_errors_20260101_120000.txt',
    '  Run the same command again to retry the failed images.',
    'Exit code 1',
  ];
  assert.equal(text, expected.join('\n'));
  assert.equal(averageThroughput(summary()), 2 * MiB);
});

test('next steps per workflow: archive for mirror to disk, delete file, dry run, cancel', () => {
  assert.deepEqual(
    nextSteps(
      summary({
        workflow: 'mirrorToDisk',
        imagesFailed: 0,
        outputs: [{ label: 'archive', path: '/data/mirror/mirror_000001.tar' }],
      }),
    ),
    [
      'Carry /data/mirror to the disconnected side, then: ocm-tui -c <isc.yaml> --from file:///data/mirror docker://<registry>',
    ],
  );
  assert.deepEqual(
    nextSteps(
      summary({
        workflow: 'delete',
        imagesFailed: 0,
        outputs: [{ label: 'delete file', path: '/w/working-dir/delete/delete-images.yaml' }],
      }),
    ),
    [
      'Review /w/working-dir/delete/delete-images.yaml, then: ocm-tui delete --delete-yaml-file /w/working-dir/delete/delete-images.yaml docker://<registry>',
    ],
  );
  assert.deepEqual(
    nextSteps(
      summary({ imagesFailed: 0, outputs: [{ label: 'dry-run mapping', path: '/w/working-dir/dry-run/mapping.txt' }] }),
    ),
    ['Dry run: nothing was copied. Review /w/working-dir/dry-run/mapping.txt'],
  );
  const cancelled = summaryLines(summary({ cancelled: true, outputs: [] }), ASCII);
  assert.equal(cancelled[0].text, '~ Mirror to mirror cancelled after 12m 48s');
  assert.equal(cancelled.at(-2)?.text, '  Run the same command again to resume: content already copied is skipped.');
  const ok = summaryLines(summary({ imagesFailed: 0, exitCode: 0, outputs: [] }), ASCII);
  assert.equal(ok[0].text, '+ Mirror to mirror finished in 12m 48s');
});

test('in a short live area, outputs then next steps give way to "+N more" lines', () => {
  const many = summary({
    outputs: Array.from({ length: 30 }, (_, i) => ({
      label: 'archive',
      path: `/data/mirror/mirror_${String(i + 1).padStart(6, '0')}.tar`,
    })),
  });
  const lines = summaryLines(many, UNICODE);
  const fitted = fitSummaryLines(lines, 80, 14);
  assert.ok(fitted.length <= 14, `${fitted.length} lines`);
  const texts = fitted.map((l) => l.text);
  assert.ok(texts.includes('  archive: /data/mirror/mirror_000001.tar'), texts.join('\n'));
  assert.ok(
    texts.some((t) => /^ {2}\+\d+ more$/.test(t)),
    texts.join('\n'),
  );
  assert.equal(texts.at(-1), 'Exit code 1');
  const kept = texts.filter((t) => t.startsWith('  archive: ')).length;
  const more = Number(/\+(\d+) more/.exec(texts.join('\n'))?.[1]);
  assert.equal(kept + more, 30);
});

test('SummaryView renders in Ink with the theme from context', async (t) => {
  const app = render(
    <ThemeContext.Provider value={ASCII}>
      <SummaryView summary={summary({ imagesFailed: 0, exitCode: 0 })} maxLines={22} width={100} />
    </ThemeContext.Provider>,
  );
  t.after(() => app.unmount());
  const frame = await waitForFrame(
    () => lastMeaningfulFrame(app.frames),
    (f) => f.includes('Exit code 0'),
    'the summary',
  );
  assert.match(frame, /^\+ Mirror to mirror finished in 12m 48s/);
  assert.match(frame, /Blobs {5}812 copied \| 95 already present \| 12 mounted/);
});

test('a run shorter than 10 s shows tenths, not "0s" (issue 21)', () => {
  const quick = summaryLines(
    summary({ durationMs: 437, bytesCopied: 46 * MiB, imagesFailed: 0, exitCode: 0, outputs: [] }),
    UNICODE,
  );
  assert.equal(quick[0].text, '✓ Mirror to mirror finished in 0.4s');
  const time = quick.find((l) => l.text.startsWith('Time'));
  assert.equal(time?.text, 'Time      0.4s · average 105.2 MiB/s');
});

test('the demo summary names no file the demo deletes: outputs marked temporary, next steps as a real run (issue 21)', () => {
  const demoRun = summary({
    imagesFailed: 0,
    exitCode: 0,
    outputs: [
      { label: 'IDMS', path: '/tmp/ocm-tui-demo-x1/workspace/working-dir/cluster-resources/idms-oc-mirror.yaml' },
    ],
  });
  const steps = nextSteps(demoRun, { demo: true });
  assert.deepEqual(steps, [
    'Mirror your own images: run ocm-tui for the wizard, or',
    'ocm-tui -c isc.yaml --workspace file://DIR docker://REGISTRY',
    'then oc apply -f DIR/working-dir/cluster-resources (the IDMS/ITMS a real run keeps)',
  ]);
  const text = summaryLines(demoRun, UNICODE, { demo: true }).map((l) => l.text);
  assert.ok(text.includes("Outputs (in the demo's temporary directory, removed when it ends)"), text.join('\n'));
  assert.ok(text.includes('Next, outside the demo'), text.join('\n'));
  assert.ok(!text.some((l) => l.includes('oc apply -f /tmp/')), text.join('\n'));
  // A real run still gets the command with its own path.
  assert.deepEqual(nextSteps(demoRun), [
    'oc apply -f /tmp/ocm-tui-demo-x1/workspace/working-dir/cluster-resources/idms-oc-mirror.yaml',
  ]);
});
