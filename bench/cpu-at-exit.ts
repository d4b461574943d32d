/**
 * Preloaded (`node --import`) into the ocm-tui process a benchmark measures: writes the process's own CPU time
 * (`process.cpuUsage()`, microseconds) to $OCM_TUI_CPU_FILE at exit, so the bench can report ocm-tui's CPU apart
 * from the registries'. The product itself knows nothing of it.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.OCM_TUI_CPU_FILE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.cpuUsage())));
