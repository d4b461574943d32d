/**
 * Everything the interactive runners need from React and Ink, behind plain functions: each mounts one Ink app
 * and returns its instance. Being the only module that renders, it is the entry of the pre-built UI bundle
 * (`scripts/bundle-ui.mjs`): one file instead of ~150 modules (Ink imports all of es-toolkit/compat, for
 * instance), which cuts the dashboard's start-up from ~0.55 s to ~0.1 s of CPU. The runners load it through
 * `load-ui.ts` and never import React themselves, so React exists once, inside whichever copy is loaded.
 */
import { render, type Instance, type RenderOptions } from 'ink';
import { DashboardApp, type DashboardAppProps } from '../../components/app/DashboardApp.js';
import { DeleteProgressApp } from '../../components/delete-review/DeleteProgressApp.js';
import type { DeleteProgressStore } from '../../components/delete-review/delete-progress-store.js';
import { DeleteReview, type DeleteReviewProps } from '../../components/delete-review/DeleteReview.js';
import { ThemeContext, type Theme } from '../../components/shared/theme.js';
import { Wizard, type WizardProps } from '../../components/wizard/Wizard.js';

export { createDashboardStore } from '../../components/dashboard/use-event-store.js';
export { createDeleteProgressStore } from '../../components/delete-review/delete-progress-store.js';
export { resultHead } from '../../components/delete-review/DeleteProgress.js';
export { themeFromEnv } from '../../components/shared/theme.js';
export type { Instance, RenderOptions };

export function mountDashboard(props: DashboardAppProps, options: RenderOptions): Instance {
  return render(<DashboardApp {...props} />, options);
}

export function mountWizard(props: WizardProps, options: RenderOptions): Instance {
  return render(<Wizard {...props} />, options);
}

export function mountDeleteReview(props: DeleteReviewProps, theme: Theme, options: RenderOptions): Instance {
  return render(
    <ThemeContext.Provider value={theme}>
      <DeleteReview {...props} />
    </ThemeContext.Provider>,
    options,
  );
}

export function mountDeleteProgress(
  props: { store: DeleteProgressStore; registry: string },
  theme: Theme,
  options: RenderOptions,
): Instance {
  return render(
    <ThemeContext.Provider value={theme}>
      <DeleteProgressApp {...props} />
    </ThemeContext.Provider>,
    options,
  );
}
