import { useTerminalSize } from '../shared/use-terminal-size.js';
import { DeleteProgress } from './DeleteProgress.js';
import { useDeleteProgress, type DeleteProgressStore } from './delete-progress-store.js';

/** The progress view bound to its store and to the terminal size. */
export function DeleteProgressApp({ store, registry }: { store: DeleteProgressStore; registry: string }) {
  const state = useDeleteProgress(store);
  const { columns, rows } = useTerminalSize();
  return <DeleteProgress state={state} registry={registry} columns={columns} rows={rows} />;
}
