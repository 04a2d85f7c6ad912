// restic's live status on a terminal: "[0:03] 42.10%  12 files 3.2 MiB, total 30 files 7.6 MiB, 0 errors ETA 0:04",
// the files being read below it, redrawn in place and cleared when the work ends. Nothing when the output is not a
// terminal, or with --quiet or --json.
import { ProgressReport } from '../ops/progress';
import { formatBytes, formatDuration } from './format';
import { fractionDone, secondsRemaining } from './json';

/** Erases from the cursor to the end of the screen: what is left of a status line drawn there. */
export const CLEAR_BELOW = '\x1b[J';

export interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** What the status line counts: backup "files", restore "files/dirs", check and prune "packs"/"blobs". */
export type ProgressUnit = 'files' | 'files/dirs' | 'packs' | 'blobs';

export class StatusLine {
  private shownLines = 0;
  private readonly started: number;

  constructor(
    private readonly terminal: Terminal,
    private readonly unit: ProgressUnit,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Whether a status line is drawn at all: only on a terminal, and not with --quiet or --json. */
  static wanted(terminal: Terminal, quiet: boolean, json: boolean): boolean {
    return terminal.isTTY === true && !quiet && !json;
  }

  update(p: ProgressReport): void {
    this.draw(this.lines(p));
  }

  /** Removes the status before the result is printed. */
  clear(): void {
    if (this.shownLines > 0) this.terminal.write(CLEAR_BELOW);
    this.shownLines = 0;
  }

  lines(p: ProgressReport): string[] {
    const elapsed = this.now() - this.started;
    const percent = p.totalFiles === undefined ? '' : `${(fractionDone(p) * 100).toFixed(2)}%  `;
    const bytes = this.unit === 'files' || this.unit === 'files/dirs';
    const done = bytes ? `${p.filesDone} ${this.unit} ${formatBytes(p.bytesDone)}` : `${p.filesDone}${p.totalFiles === undefined ? '' : ` / ${p.totalFiles}`} ${this.unit}`;
    const total = p.totalFiles === undefined || !bytes ? '' : `, total ${p.totalFiles} ${this.unit} ${formatBytes(p.totalBytes ?? 0)}`;
    const errors = this.unit === 'files' ? `, ${p.errorCount ?? 0} errors` : '';
    const remaining = secondsRemaining(p, elapsed);
    const eta = remaining > 0 ? ` ETA ${formatDuration(remaining * 1000)}` : '';
    const lines = [`[${formatDuration(elapsed)}] ${percent}${done}${total}${errors}${eta}`];
    if (p.currentFile) lines.push(p.currentFile);
    // A terminal that reports no size (0 columns) gets a line of the usual width.
    const width = this.terminal.columns || 80;
    return lines.map((line) => (line.length > width - 1 ? line.slice(0, width - 1) : line));
  }

  private draw(lines: string[]): void {
    // Each line is cleared and rewritten; the cursor goes back to the first line, ready for the next draw.
    const text = lines.map((l) => `\x1b[2K${l}\n`).join('') + (this.shownLines > lines.length ? CLEAR_BELOW : '');
    this.terminal.write(`${text}\x1b[${lines.length}A\r`);
    this.shownLines = lines.length;
  }
}
