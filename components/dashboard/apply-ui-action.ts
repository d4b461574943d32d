/** How key-driven actions (selection, scroll, filters, help, cancel) and ticks change the dashboard state. */
import { orderImageIds } from './image-order.js';
import { clampScroll, scrollToShow } from '../shared/scroll-window.js';
import type { DashboardUiAction } from './dashboard-types.js';
import type { Draft } from './state-draft.js';

function currentOrder(d: Draft): string[] {
  const s = d.finish();
  return orderImageIds(s.images, s.planOrder, s.ui.filter);
}

function selectIndex(d: Draft, order: string[], index: number, rows: number): void {
  if (order.length === 0) {
    d.s.ui.selectedId = undefined;
    d.s.ui.scroll = 0;
    return;
  }
  const next = Math.min(order.length - 1, Math.max(0, index));
  d.s.ui.selectedId = order[next];
  d.s.ui.scroll = scrollToShow(d.s.ui.scroll, next, rows, order.length);
}

export function applyUi(d: Draft, a: DashboardUiAction): void {
  const ui = d.s.ui;
  switch (a.type) {
    case 'ui.tick':
      if (a.now > d.s.now) d.s.now = a.now;
      d.s.tick++;
      return;
    case 'ui.move': {
      const order = currentOrder(d);
      const current = ui.selectedId === undefined ? -1 : order.indexOf(ui.selectedId);
      // Nothing selected yet: the first move selects the first row on screen.
      const index = current < 0 ? clampScroll(ui.scroll, a.rows, order.length) : current + a.delta;
      selectIndex(d, order, index, a.rows);
      return;
    }
    case 'ui.home':
      selectIndex(d, currentOrder(d), 0, a.rows);
      return;
    case 'ui.end': {
      const order = currentOrder(d);
      selectIndex(d, order, order.length - 1, a.rows);
      return;
    }
    case 'ui.clearSelection':
      if (ui.showHelp) ui.showHelp = false;
      else ui.selectedId = undefined;
      return;
    case 'ui.toggleFilter': {
      ui.filter = ui.filter === 'all' ? 'failed' : 'all';
      ui.scroll = 0;
      if (ui.selectedId !== undefined && !currentOrder(d).includes(ui.selectedId)) ui.selectedId = undefined;
      return;
    }
    case 'ui.toggleHelp':
      ui.showHelp = !ui.showHelp;
      return;
    case 'ui.toggleErrors':
      ui.showErrors = !ui.showErrors;
      return;
    case 'ui.cancelRequested':
      ui.cancelRequested = true;
      return;
  }
}
