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
import { registryHostOf, type ReviewRow } from '../../components/delete-review/delete-review-groups.js';
import { FILE_ITEMS, ITEM, REGISTRY, key } from './review-fixtures.js';

const R = `${REGISTRY}`;

function run(state: DeleteReviewState, ...actions: DeleteReviewAction[]): DeleteReviewState {
  return actions.reduce(deleteReviewReducer, state);
}

function initial(viewport = 50): DeleteReviewState {
  return createDeleteReviewState({ items: FILE_ITEMS, registry: `docker://${REGISTRY}/`, viewport });
}

/** Compact picture of the rows: `T:type[items]`, `R:repo[items]`, `I:index`. */
function picture(rows: readonly ReviewRow[]): string[] {
  return rows.map((r) =>
    r.kind === 'type'
      ? `T:${r.type}[${r.items.join(',')}]`
      : r.kind === 'repository'
        ? `R:${r.repository}[${r.items.join(',')}]`
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
