/**
 * Height and width budgets of the dashboard, as pure functions of the terminal size.
 *
 * NOTE: the live area must stay strictly shorter than the terminal. When Ink's frame reaches `rows` lines it
 * clears the screen and rewrites all output on every frame (scrollback wiped, flicker over SSH; ink #935,
 * #990). We keep two lines spare: one required, one for safety.
 */

export interface DashboardLayoutInput {
  columns: number;
  rows: number;
  /** An image is selected: show its layer panel. */
  selected: boolean;
  /** Number of blobs of the selected image. */
  blobCount: number;
  /** Entries the errors panel could show (0 hides it). */
  errorCount: number;
  showErrors: boolean;
  cancelling: boolean;
  /** A phase-specific progress / notice line is available. */
  phaseLine: boolean;
  showHelp: boolean;
}

export interface DashboardLayout {
  columns: number;
  /** Lines the whole frame may use (always < rows). */
  maxLines: number;
  header: boolean;
  banner: boolean;
  stats: boolean;
  overallBar: boolean;
  phaseLine: boolean;
  hints: boolean;
  /** Table header + "more" line + rows; 0 rows hides the table. */
  tableRows: number;
  /** Rows of the layer panel (0 = hidden); the panel adds a title and, if needed, a "more" line. */
  layerRows: number;
  /** Rows of the errors panel (0 = hidden); the panel adds a title. */
  errorRows: number;
  /** Rows of the help overlay (0 = hidden); replaces the table and panels. */
  helpRows: number;
  /** Upper bound of the lines this layout renders. */
  totalLines: number;
}

/** Lines the frame may use on a terminal of `rows` lines. */
export function liveAreaLines(rows: number): number {
  return Math.max(1, rows - 2);
}

export function computeDashboardLayout(input: DashboardLayoutInput): DashboardLayout {
  const maxLines = liveAreaLines(input.rows);
  let left = maxLines;
  const take = (lines: number): boolean => {
    if (lines <= left) {
      left -= lines;
      return true;
    }
    return false;
  };
  const header = take(1);
  const banner = input.cancelling && take(1);
  const stats = take(1);
  const hints = take(1);
  // Table block: column header + one row + the "more / counts" line.
  const table = take(3);
  const overallBar = take(1);
  const phaseLine = input.phaseLine && take(1);

  let tableRows = table ? 1 : 0;
  let layerRows = 0;
  let errorRows = 0;
  let helpRows = 0;

  if (input.showHelp && table) {
    // The overlay takes the table's place and everything left.
    helpRows = 3 + left;
    tableRows = 0;
    left = 0;
  } else if (table) {
    // Two more table rows before any panel: the table is what people watch.
    const extra = Math.min(2, left);
    tableRows += extra;
    left -= extra;
    if (input.showErrors && input.errorCount > 0 && left >= 4) {
      errorRows = Math.min(input.errorCount, left >= 12 ? 3 : 1);
      left -= 1 + errorRows;
    }
    if (input.selected && left >= 3) {
      const wanted = Math.max(1, Math.floor((left - 2) * 0.45));
      layerRows = Math.min(Math.max(1, input.blobCount), wanted);
      const more = input.blobCount > layerRows ? 1 : 0;
      left -= 1 + layerRows + more;
    }
    tableRows += left;
    left = 0;
  }

  const totalLines =
    (header ? 1 : 0) +
    (banner ? 1 : 0) +
    (stats ? 1 : 0) +
    (hints ? 1 : 0) +
    (overallBar ? 1 : 0) +
    (phaseLine ? 1 : 0) +
    (helpRows > 0 ? helpRows : table ? 2 + tableRows : 0) +
    (errorRows > 0 ? 1 + errorRows : 0) +
    (layerRows > 0 ? 1 + layerRows + (input.blobCount > layerRows ? 1 : 0) : 0);

  return {
    columns: Math.max(1, input.columns),
    maxLines,
    header,
    banner,
    stats,
    overallBar,
    phaseLine,
    hints,
    tableRows,
    layerRows,
    errorRows,
    helpRows,
    totalLines,
  };
}

/** Widths of the images table columns; 0 = column dropped. One space separates columns. */
export interface ImageColumns {
  pointer: number;
  status: number;
  type: number;
  reference: number;
  bar: number;
  percent: number;
  bytes: number;
  speed: number;
  /** VERIFIED (signature policy verdict): only while a policy is in force (`--secure-policy`). */
  verified: number;
}

/**
 * Responsive columns: the bar and speed need ≥ 100 columns, the type and bytes ≥ 60 (80 shows status,
 * type, reference, percent and bytes); the reference takes whatever is left.
 */
export function computeImageColumns(columns: number, options: { verified?: boolean } = {}): ImageColumns {
  const width = Math.max(20, columns);
  const c: ImageColumns = {
    pointer: 2,
    status: 12,
    type: 0,
    reference: 0,
    bar: 0,
    percent: 4,
    bytes: 0,
    speed: 0,
    verified: 0,
  };
  // With a signature policy: the verdict per image (8 = "VERIFIED"), from 50 columns on.
  if (options.verified && width >= 50) c.verified = 8;
  if (width >= 60) c.bytes = 19;
  if (width >= 80) c.type = 10;
  if (width >= 100) {
    c.speed = 11;
    c.bar = Math.min(30, Math.max(10, Math.floor((width - 70) / 3)));
  }
  if (width < 40) c.status = 10;
  const used = c.pointer + c.status + c.type + c.bar + c.percent + c.bytes + c.speed + c.verified;
  const gaps = [c.status, c.type, c.bar, c.percent, c.bytes, c.speed, c.verified].filter((w) => w > 0).length;
  // The reference gets the rest (no gap after the pointer column; one before each other column).
  c.reference = Math.max(8, width - used - gaps - 1);
  return c;
}

/** Widths of the layer panel columns. */
export interface LayerColumns {
  indent: number;
  glyph: number;
  digest: number;
  size: number;
  bar: number;
  percent: number;
  label: number;
  /** Error text of failed blobs (rest of the line). */
  detail: number;
}

export function computeLayerColumns(columns: number): LayerColumns {
  const width = Math.max(20, columns);
  const c: LayerColumns = { indent: 2, glyph: 1, digest: 12, size: 10, bar: 0, percent: 4, label: 14, detail: 0 };
  if (width >= 70) c.bar = Math.min(30, Math.max(8, Math.floor((width - 50) / 2)));
  if (width < 50) c.size = 0;
  const used = c.indent + c.glyph + c.digest + c.size + c.bar + c.percent + c.label;
  const gaps = [c.digest, c.size, c.bar, c.percent, c.label].filter((w) => w > 0).length;
  c.detail = Math.max(0, width - used - gaps - 1);
  return c;
}
