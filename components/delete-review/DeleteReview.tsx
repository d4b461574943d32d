/**
 * The interactive delete review: a grouped, filterable list with per-item and per-group toggles, then a typed
 * confirmation. It never deletes anything itself: it reports the confirmed selection (or the cancellation)
 * once, and the caller acts on it.
 */
import { useEffect, useReducer, useRef } from 'react';
import { Text } from 'ink';
import type { DeleteItem } from '../../core/delete/delete-list.js';
import { useGuardedInput } from '../shared/use-guarded-input.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { ConfirmDelete } from './ConfirmDelete.js';
import { ReviewList } from './ReviewList.js';
import { deleteReviewEventReducer } from './delete-review-keys.js';
import { computeReviewLayout, manifests } from './delete-review-layout.js';
import { createDeleteReviewState, selectedItems } from './delete-review-state.js';
import type { DeleteOrigins } from './delete-review-groups.js';

export interface DeleteReviewProps {
  /** The items of the delete file. */
  items: readonly DeleteItem[];
  /** Destination registry (`host[:port][/path]`, `docker://` optional). */
  registry: string;
  /** Shown in the title. */
  sourceFile?: string;
  /** Catalog and packages of operator images (the delete file's sidecar). @default {} (group by repository) */
  origins?: DeleteOrigins;
  /** Called once with the selection the user confirmed by typing the registry host. */
  onConfirm: (selected: DeleteItem[]) => void;
  /** Called once when the user leaves with Esc or Ctrl+C: nothing must be deleted. */
  onCancel: () => void;
}

export function DeleteReview({ items, registry, sourceFile, origins, onConfirm, onCancel }: DeleteReviewProps) {
  const { columns, rows } = useTerminalSize();
  const [state, dispatch] = useReducer(deleteReviewEventReducer, undefined, () => {
    const initial = createDeleteReviewState({ items, registry, origins });
    const layout = computeReviewLayout({ rows, excludedCount: initial.excluded.length });
    return { ...initial, viewport: layout.listRows };
  });
  const layout = computeReviewLayout({ rows, excludedCount: state.excluded.length });

  useEffect(() => {
    if (layout.listRows !== state.viewport) dispatch({ type: 'resize', viewport: layout.listRows });
  }, [layout.listRows, state.viewport]);

  const reported = useRef(false);
  useEffect(() => {
    if (reported.current) return;
    if (state.phase === 'confirmed') {
      reported.current = true;
      onConfirm(selectedItems(state));
    } else if (state.phase === 'cancelled') {
      reported.current = true;
      onCancel();
    }
  }, [state, onConfirm, onCancel]);

  useGuardedInput((input, key) => dispatch({ type: 'key', input, key }), {
    isActive: state.phase === 'review' || state.phase === 'confirm',
  });

  // The last frame stays on screen after unmount: leave one plain line, not the list.
  if (state.phase === 'cancelled') return null;
  if (state.phase === 'confirmed') {
    return <Text>{`Confirmed: deleting ${manifests(state.selected.size)} from ${state.registry}`}</Text>;
  }
  if (state.phase === 'confirm')
    return <ConfirmDelete state={state} columns={columns} maxLines={Math.max(1, rows - 2)} />;
  return <ReviewList state={state} layout={layout} columns={columns} sourceFile={sourceFile} />;
}
