/**
 * The delete review reducer, its key mapping and its height budget, without Ink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDeleteReviewState,
  deleteReviewReducer,
  selectedItems,
  type DeleteReviewAction,
  type DeleteReviewState,
} from '../../components/delete-review/delete-review-state.js';
import { deleteReviewEventReducer, reviewActionForKey } from '../../components/delete-review/delete-review-keys.js';
import { computeReviewLayout, rowText, selectedByType } from '../../components/delete-review/delete-review-layout.js';
import {
  buildRows,
  partitionDeleteItems,
  registryHostOf,
  shortCatalogName,
  type ReviewRow,
} from '../../components/delete-review/delete-review-groups.js';
import {
  ACME_CATALOG,
  CATALOG,
  FILE_ITEMS,
  ITEM,
  OPERATOR,
  OPERATOR_FILE_ITEMS,
  ORIGINS,
  REGISTRY,
  key,
} from './review-fixtures.js';

const R = `${REGISTRY}`;

function run(state: DeleteReviewState, ...actions: DeleteReviewAction[]): DeleteReviewState {
  return actions.reduce(deleteReviewReducer, state);
}

function initial(viewport = 50): DeleteReviewState {
  return createDeleteReviewState({ items: FILE_ITEMS, registry: `docker://${REGISTRY}/`, viewport });
}

/** Compact picture of the rows: `T:type[items]`, `R:repo[items]`, `P:catalog›package[items]`, `I:index`. */
function picture(rows: readonly ReviewRow[]): string[] {
  return rows.map((r) =>
    r.kind === 'type'
      ? `T:${r.type}[${r.items.join(',')}]`
      : r.kind === 'repository'
        ? `R:${r.repository}[${r.items.join(',')}]`
        : r.kind === 'package'
          ? `P:${r.catalog}›${r.packageName}[${r.items.join(',')}]`
          : `I:${r.index}`,
  );
}

test('initial state: deletable grouped by type then repository, excluded with reasons, everything selected', () => {
  const s = initial();
  assert.equal(s.registry, R);
  assert.equal(s.confirmWord, '127.0.0.1:5000');
  assert.equal(s.phase, 'review');
  assert.deepEqual(s.deletable, [ITEM.release, ITEM.etcd, ITEM.appA1, ITEM.appA2, ITEM.appB]);
  assert.deepEqual(picture(s.rows), [
    'T:ocpRelease[0]',
    `R:${R}/openshift/release-images[0]`,
    'I:0',
    'T:ocpReleaseContent[1]',
    `R:${R}/openshift/release[1]`,
    'I:1',
    'T:generic[2,3,4]',
    `R:${R}/apps/a[2,3]`,
    'I:2',
    'I:3',
    `R:${R}/apps/b[4]`,
    'I:4',
  ]);
  assert.deepEqual(
    s.excluded.map((e) => [e.item.imageReference, e.reason, e.explanation]),
    [
      [ITEM.misplacedRelease.imageReference, 'outside-registry', `not under ${R}/openshift/release-images`],
      [
        ITEM.catalog.imageReference,
        'catalog',
        'catalog image: never deleted, so the rest of the catalog keeps working',
      ],
      [ITEM.elsewhere.imageReference, 'outside-registry', `not under docker://${R}`],
    ],
  );
  assert.deepEqual(selectedItems(s), s.deletable);
});

test('registryHostOf keeps the port and drops the path', () => {
  assert.equal(registryHostOf('127.0.0.1:5000/mirror/deep'), '127.0.0.1:5000');
  assert.equal(registryHostOf('docker://mirror.example.com'), 'mirror.example.com');
});

test('space toggles an item, a repository header, a type header; a partial group is selected fully first', () => {
  let s = initial();
  s = run(s, { type: 'move', delta: 8 }, { type: 'toggle' }); // item 2 (apps/a:1.0)
  assert.deepEqual(selectedItems(s), [ITEM.release, ITEM.etcd, ITEM.appA2, ITEM.appB]);
  s = run(s, { type: 'move', delta: -1 }, { type: 'toggle' }); // apps/a header, partial → all
  assert.deepEqual(selectedItems(s), [ITEM.release, ITEM.etcd, ITEM.appA1, ITEM.appA2, ITEM.appB]);
  s = run(s, { type: 'toggle' }); // apps/a header, all → none
  assert.deepEqual(selectedItems(s), [ITEM.release, ITEM.etcd, ITEM.appB]);
  s = run(s, { type: 'move', delta: -1 }, { type: 'toggle' }); // generic header, partial → all
  assert.equal(selectedItems(s).length, 5);
  s = run(s, { type: 'toggle' });
  assert.deepEqual(selectedItems(s), [ITEM.release, ITEM.etcd]);
  s = run(s, { type: 'home' }, { type: 'toggle' });
  assert.deepEqual(selectedItems(s), [ITEM.etcd]);
});

test('a / n select all / none of the items the filter shows', () => {
  let s = run(initial(), { type: 'selectNone' });
  assert.equal(s.selected.size, 0);
  s = run(s, { type: 'startFilter' }, { type: 'filterInput', text: 'APPS/A' }, { type: 'endFilter' });
  assert.deepEqual(picture(s.rows), ['T:generic[2,3]', `R:${R}/apps/a[2,3]`, 'I:2', 'I:3']);
  s = run(s, { type: 'selectAll' });
  assert.deepEqual(selectedItems(s), [ITEM.appA1, ITEM.appA2]);
  s = run(s, { type: 'clearFilter' }, { type: 'selectAll' });
  assert.equal(s.selected.size, 5);
  s = run(s, { type: 'startFilter' }, { type: 'filterInput', text: 'release' }, { type: 'selectNone' });
  assert.deepEqual(selectedItems(s), [ITEM.appA1, ITEM.appA2, ITEM.appB]);
});

test('filter matches origin and type label, keeps the cursor on the same item, backspace widens it again', () => {
  let s = run(initial(), { type: 'move', delta: 9 }); // item 3 (apps/a:2.0)
  s = run(s, { type: 'startFilter' }, { type: 'filterInput', text: 'team/apps' });
  assert.equal(s.filterEditing, true);
  assert.deepEqual(picture(s.rows), [
    'T:generic[2,3,4]',
    `R:${R}/apps/a[2,3]`,
    'I:2',
    'I:3',
    `R:${R}/apps/b[4]`,
    'I:4',
  ]);
  assert.deepEqual(s.rows[s.cursor], { kind: 'item', index: 3 });
  s = run(s, { type: 'filterInput', text: '/b' });
  assert.deepEqual(picture(s.rows), ['T:generic[4]', `R:${R}/apps/b[4]`, 'I:4']);
  assert.equal(s.cursor, 0);
  s = run(s, { type: 'filterBackspace' }, { type: 'filterBackspace' });
  assert.equal(s.filter, 'team/apps');
  assert.equal(s.rows.length, 6);
  s = run(s, { type: 'clearFilter' }, { type: 'startFilter' }, { type: 'filterInput', text: 'release components' });
  assert.deepEqual(picture(s.rows), ['T:ocpReleaseContent[1]', `R:${R}/openshift/release[1]`, 'I:1']);
  s = run(s, { type: 'clearFilter' });
  assert.equal(s.filter, '');
  assert.equal(s.filterEditing, false);
  assert.equal(s.rows.length, 12);
});

test('cursor and scroll: the cursor stays inside the viewport and inside the list', () => {
  let s = initial(4);
  s = run(s, { type: 'move', delta: 5 });
  assert.deepEqual([s.cursor, s.scroll], [5, 2]);
  s = run(s, { type: 'move', delta: -4 });
  assert.deepEqual([s.cursor, s.scroll], [1, 1]);
  s = run(s, { type: 'end' });
  assert.deepEqual([s.cursor, s.scroll], [11, 8]);
  s = run(s, { type: 'move', delta: 3 });
  assert.deepEqual([s.cursor, s.scroll], [11, 8]);
  s = run(s, { type: 'page', direction: -1 });
  assert.deepEqual([s.cursor, s.scroll], [7, 7]);
  s = run(s, { type: 'home' }, { type: 'move', delta: -1 });
  assert.deepEqual([s.cursor, s.scroll], [0, 0]);
  s = run(s, { type: 'end' }, { type: 'resize', viewport: 10 });
  assert.deepEqual([s.cursor, s.scroll, s.viewport], [11, 2, 10]);
});

test('confirm: nothing selected refuses; only the exact registry host confirms; Esc goes back', () => {
  let s = run(initial(), { type: 'selectNone' }, { type: 'requestConfirm' });
  assert.equal(s.phase, 'review');
  assert.match(s.message ?? '', /^nothing is selected/);
  s = run(s, { type: 'move', delta: 11 }, { type: 'toggle' }, { type: 'requestConfirm' });
  assert.equal(s.phase, 'confirm');
  assert.equal(s.message, undefined);
  s = run(s, { type: 'confirmInput', text: 'yes' }, { type: 'submitConfirm' });
  assert.equal(s.phase, 'confirm');
  assert.equal(s.message, '"yes" is not 127.0.0.1:5000: nothing was deleted');
  s = run(s, { type: 'confirmBackspace' }, { type: 'confirmBackspace' }, { type: 'confirmBackspace' });
  s = run(s, { type: 'confirmInput', text: '127.0.0.1:5000/mirror' }, { type: 'submitConfirm' });
  assert.equal(s.phase, 'confirm', 'the registry path is not the host');
  s = run(s, { type: 'back' });
  assert.deepEqual([s.phase, s.confirmText], ['review', '']);
  s = run(s, { type: 'requestConfirm' }, { type: 'confirmInput', text: '127.0.0.1:5000\n' }, { type: 'submitConfirm' });
  assert.equal(s.phase, 'confirmed');
  assert.deepEqual(selectedItems(s), [ITEM.appB]);
  assert.equal(run(s, { type: 'toggle' }, { type: 'cancel' }), s, 'a finished review ignores further actions');
});

test('cancel from either phase; a cancelled review never confirms', () => {
  const fromReview = run(initial(), { type: 'cancel' });
  assert.equal(fromReview.phase, 'cancelled');
  const fromConfirm = run(
    initial(),
    { type: 'requestConfirm' },
    { type: 'confirmInput', text: '127.0.0.1:5000' },
    { type: 'cancel' },
  );
  assert.equal(fromConfirm.phase, 'cancelled');
  assert.equal(run(fromConfirm, { type: 'submitConfirm' }).phase, 'cancelled');
});

test('keys: Esc clears a filter before it cancels; text fields own printable keys; Ctrl+C always cancels', () => {
  const s = initial();
  assert.deepEqual(reviewActionForKey(s, '', key({ escape: true, meta: true })), { type: 'cancel' });
  assert.deepEqual(reviewActionForKey(s, ' ', key()), { type: 'toggle' });
  assert.deepEqual(reviewActionForKey(s, 'a', key()), { type: 'selectAll' });
  assert.deepEqual(reviewActionForKey(s, 'n', key()), { type: 'selectNone' });
  assert.deepEqual(reviewActionForKey(s, 'j', key()), { type: 'move', delta: 1 });
  assert.deepEqual(reviewActionForKey(s, '', key({ upArrow: true })), { type: 'move', delta: -1 });
  assert.deepEqual(reviewActionForKey(s, '', key({ return: true })), { type: 'requestConfirm' });
  assert.equal(reviewActionForKey(s, 'y', key()), undefined);

  const editing = run(s, { type: 'startFilter' });
  assert.deepEqual(reviewActionForKey(editing, 'a', key()), { type: 'filterInput', text: 'a' });
  assert.deepEqual(reviewActionForKey(editing, '', key({ delete: true })), { type: 'filterBackspace' });
  assert.deepEqual(reviewActionForKey(editing, '', key({ return: true })), { type: 'endFilter' });
  const filtered = run(editing, { type: 'filterInput', text: 'x' }, { type: 'endFilter' });
  assert.deepEqual(reviewActionForKey(filtered, '', key({ escape: true, meta: true })), { type: 'clearFilter' });

  const confirming = run(s, { type: 'requestConfirm' });
  assert.deepEqual(reviewActionForKey(confirming, 'n', key()), { type: 'confirmInput', text: 'n' });
  assert.deepEqual(reviewActionForKey(confirming, '', key({ escape: true, meta: true })), { type: 'back' });
  assert.deepEqual(reviewActionForKey(confirming, 'c', key({ ctrl: true })), { type: 'cancel' });
  assert.deepEqual(reviewActionForKey(s, 'c', key({ ctrl: true })), { type: 'cancel' });
});

test('keys are mapped against the reducer state, so Enter then fast typing lands in the confirmation', () => {
  const typed = [...'127.0.0.1:5000'].map((ch) => ({ type: 'key' as const, input: ch, key: key() }));
  const s = [
    { type: 'key' as const, input: '', key: key({ return: true }) },
    ...typed,
    { type: 'key' as const, input: '', key: key({ return: true }) },
  ].reduce(deleteReviewEventReducer, initial());
  assert.equal(s.phase, 'confirmed');
  assert.equal(s.selected.size, 5, 'typed digits and "." were not taken as list keys');
});

test('layout: the frame stays shorter than the terminal, rows fit the width, counts per type', () => {
  for (const rows of [12, 24, 50]) {
    for (const excludedCount of [0, 1, 3, 40]) {
      const layout = computeReviewLayout({ rows, excludedCount });
      assert.ok(layout.totalLines <= rows - 2, `rows ${rows}, excluded ${excludedCount}: ${layout.totalLines} lines`);
      assert.ok(layout.listRows >= 3);
    }
  }
  const s = initial();
  for (const row of s.rows) {
    for (const width of [40, 78]) {
      const text = rowText(s, row, width);
      assert.ok(Array.from(text).length <= width, `${width}: ${text}`);
    }
  }
  assert.equal(rowText(s, s.rows[6], 78), '[x] Additional images — delete 3 of 3');
  assert.equal(rowText(s, s.rows[8], 78), '    [x] delete  1.0  from quay.io/team/apps/a:1.0');
  const partial = run(s, { type: 'move', delta: 8 }, { type: 'toggle' });
  assert.equal(rowText(partial, partial.rows[7], 78), `  [-] ${R}/apps/a — delete 1 of 2`);
  assert.equal(rowText(partial, partial.rows[8], 78), '    [ ] keep    1.0  from quay.io/team/apps/a:1.0');
  assert.deepEqual(selectedByType(partial), ['1 Release images', '1 Release components', '2 Additional images']);
});

function withOrigins(viewport = 50): DeleteReviewState {
  return createDeleteReviewState({ items: OPERATOR_FILE_ITEMS, registry: REGISTRY, viewport, origins: ORIGINS });
}

test('origins: operator images grouped by catalog › package (shared image under its first package), the rest by repository', () => {
  const s = withOrigins();
  assert.deepEqual(s.deletable, [
    ITEM.release,
    ITEM.etcd,
    OPERATOR.acmeBundle, // quay.io/acme/… sorts before registry.redhat.io/…
    OPERATOR.etcdBundle,
    OPERATOR.etcdOperator,
    OPERATOR.rbacProxy,
    OPERATOR.jaegerAgent,
    OPERATOR.helper,
    ITEM.appA1,
    ITEM.appA2,
    ITEM.appB,
  ]);
  assert.deepEqual(picture(s.rows), [
    'T:ocpRelease[0]',
    `R:${R}/openshift/release-images[0]`,
    'I:0',
    'T:ocpReleaseContent[1]',
    `R:${R}/openshift/release[1]`,
    'I:1',
    'T:operatorBundle[2,3]',
    `P:${ACME_CATALOG}›acme-operator[2]`,
    'I:2',
    `P:${CATALOG}›etcd[3]`,
    'I:3',
    'T:operatorRelatedImage[4,5,6,7]',
    `P:${CATALOG}›etcd[4,5]`,
    'I:4',
    'I:5',
    `P:${CATALOG}›jaeger[6]`,
    'I:6',
    `R:${R}/misc/helper[7]`, // its entry names no package
    'I:7',
    'T:generic[8,9,10]', // the entry for a generic image is ignored
    `R:${R}/apps/a[8,9]`,
    'I:8',
    'I:9',
    `R:${R}/apps/b[10]`,
    'I:10',
  ]);
  assert.equal(s.excluded.length, 3);
  assert.deepEqual(selectedItems(s), s.deletable);
});

test('without origins (or with an empty map) operator images keep the repository grouping', () => {
  const none = createDeleteReviewState({ items: OPERATOR_FILE_ITEMS, registry: REGISTRY, viewport: 50 });
  const empty = createDeleteReviewState({ items: OPERATOR_FILE_ITEMS, registry: REGISTRY, viewport: 50, origins: {} });
  assert.deepEqual(picture(empty.rows), picture(none.rows));
  assert.deepEqual(picture(none.rows).slice(6, 19), [
    'T:operatorBundle[2,3]',
    `R:${R}/acme/acme-bundle[2]`,
    'I:2',
    `R:${R}/coreos/etcd-bundle[3]`,
    'I:3',
    'T:operatorRelatedImage[4,5,6,7]',
    `R:${R}/coreos/etcd-operator[4]`,
    'I:4',
    `R:${R}/jaegertracing/jaeger-agent[5]`,
    'I:5',
    `R:${R}/misc/helper[6]`,
    'I:6',
    `R:${R}/openshift4/ose-kube-rbac-proxy[7]`,
  ]);
  // The FILE_ITEMS review is the same whether or not the sidecar has (irrelevant) entries.
  assert.deepEqual(picture(createDeleteReviewState({ items: FILE_ITEMS, registry: REGISTRY, origins: ORIGINS }).rows), [
    ...picture(initial().rows),
  ]);
  // Defaults of the pure functions: no origins argument, no package rows.
  const { deletable } = partitionDeleteItems(OPERATOR_FILE_ITEMS, REGISTRY);
  assert.ok(buildRows(deletable, '').every((r) => r.kind !== 'package'));
});

test('origins: a package header toggles exactly its items; a shared image stays with its first package', () => {
  let s = withOrigins();
  s = run(s, { type: 'move', delta: 12 }); // etcd related images header
  assert.deepEqual(picture([s.rows[s.cursor]]), [`P:${CATALOG}›etcd[4,5]`]);
  s = run(s, { type: 'toggle' });
  assert.deepEqual(
    s.deletable.filter((_, i) => !s.selected.has(i)),
    [OPERATOR.etcdOperator, OPERATOR.rbacProxy],
  );
  s = run(s, { type: 'move', delta: 3 }, { type: 'toggle' }); // jaeger header: only its own item
  assert.deepEqual(
    s.deletable.filter((_, i) => !s.selected.has(i)),
    [OPERATOR.etcdOperator, OPERATOR.rbacProxy, OPERATOR.jaegerAgent],
  );
  s = run(s, { type: 'move', delta: -3 }, { type: 'toggle' }); // etcd again: back to all
  assert.deepEqual(
    s.deletable.filter((_, i) => !s.selected.has(i)),
    [OPERATOR.jaegerAgent],
  );
  s = run(s, { type: 'move', delta: -1 }, { type: 'toggle' }); // the type header covers every package
  assert.equal(selectedItems(s).filter((i) => i.type === 'operatorRelatedImage').length, 4);
});

test('origins: the filter matches package and catalog names; headers then stand for the visible items', () => {
  let s = run(withOrigins(), { type: 'startFilter' }, { type: 'filterInput', text: 'Jaeger' });
  // The shared proxy belongs to jaeger too: it shows, under its first package.
  assert.deepEqual(picture(s.rows), [
    'T:operatorRelatedImage[5,6]',
    `P:${CATALOG}›etcd[5]`,
    'I:5',
    `P:${CATALOG}›jaeger[6]`,
    'I:6',
  ]);
  s = run(s, { type: 'home' }, { type: 'move', delta: 1 }, { type: 'toggle' });
  assert.deepEqual(
    s.deletable.filter((_, i) => !s.selected.has(i)),
    [OPERATOR.rbacProxy],
    'the etcd header under the filter toggles only its visible item',
  );
  s = run(s, { type: 'clearFilter' }, { type: 'startFilter' }, { type: 'filterInput', text: 'kiali' });
  assert.deepEqual(picture(s.rows), ['T:operatorRelatedImage[5]', `P:${CATALOG}›etcd[5]`, 'I:5']);
  s = run(s, { type: 'clearFilter' }, { type: 'startFilter' }, { type: 'filterInput', text: 'acme-catalog' });
  assert.deepEqual(picture(s.rows), ['T:operatorBundle[2]', `P:${ACME_CATALOG}›acme-operator[2]`, 'I:2']);
  s = run(
    s,
    { type: 'clearFilter' },
    { type: 'startFilter' },
    { type: 'filterInput', text: 'redhat-operator-index:v4.18' },
  );
  assert.deepEqual(
    picture(s.rows).filter((r) => r.startsWith('I:')),
    ['I:3', 'I:4', 'I:5', 'I:6'],
    'the catalog matches its images, not the one whose entry is unusable',
  );
});

test('origins: header and item lines name catalog › package, the repository, and the other packages', () => {
  const s = withOrigins();
  assert.equal(shortCatalogName(CATALOG), 'redhat-operator-index:v4.18');
  assert.equal(shortCatalogName(ACME_CATALOG), 'acme-catalog@sha256:bbbbbbbbbbbb');
  assert.equal(shortCatalogName('oci:///data/catalogs/my-index/'), 'my-index');
  assert.equal(shortCatalogName('docker://localhost:5000/idx:v1'), 'idx:v1');
  assert.equal(rowText(s, s.rows[7], 78), '  [x] acme-catalog@sha256:bbbbbbbbbbbb › acme-operator — delete 1 of 1');
  assert.equal(rowText(s, s.rows[12], 78), '  [x] redhat-operator-index:v4.18 › etcd — delete 2 of 2');
  assert.equal(rowText(s, s.rows[12], 78, false), '  [x] redhat-operator-index:v4.18 > etcd — delete 2 of 2');
  assert.equal(
    rowText(s, s.rows[14], 250),
    `    [x] delete  openshift4/ose-kube-rbac-proxy@sha256:eeeeeeeeeeee  +2 packages  from ${OPERATOR.rbacProxy.imageName}`,
  );
  assert.equal(
    rowText(s, s.rows[14], 78),
    '    [x] delete  openshift4/ose-kube-rbac…roxy@sha256:eeeeeeeeeeee  +2 packages',
  );
  assert.equal(
    rowText(s, s.rows[16], 78),
    '    [x] delete  jaegertracing/jaeger-agent:1.57  from quay.io/…eger-agent:1.57',
  );
  assert.equal(rowText(s, s.rows[18], 78), '    [x] delete  1.0  from quay.io/misc/helper:1.0', 'no origin: as before');
  for (const row of s.rows) {
    for (const width of [30, 40, 78]) {
      const text = rowText(s, row, width);
      assert.ok(Array.from(text).length <= width, `${width}: ${text}`);
    }
  }
  assert.equal(
    rowText(s, s.rows[12], 50),
    '  [x] redhat-ope…ndex:v4.18 › etcd — delete 2 of 2',
    'the catalog is cut before the package',
  );
});
