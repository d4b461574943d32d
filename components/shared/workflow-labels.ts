/** User-facing names of the workflows (the dashboard header, the wizard and the summary agree). */
import type { Workflow } from '../../core/events.js';

export const WORKFLOW_LABELS: Record<Workflow, string> = {
  mirrorToDisk: 'Mirror to disk',
  diskToMirror: 'Disk to mirror',
  mirrorToMirror: 'Mirror to mirror',
  delete: 'Delete',
};
