/**
 * Progress on stderr while a command runs. On a terminal: one line redrawn in place (items done of
 * total, the current section, elapsed time). Without a terminal (a CI log): one plain line per phase,
 * no control sequences. Quiet: nothing. The audit's formatter (progress-formatter.ts) and the CLI feed
 * the same instance: the active one, set by the CLI for the length of a command.
 */
export type ProgressMode = 'tty' | 'plain' | 'quiet';

export interface ProgressStream { write(s: string): unknown; isTTY?: boolean; columns?: number }

const elapsed = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Control characters (and ESC sequences) out of a line that is drawn on a terminal. */
// eslint-disable-next-line no-control-regex
const plainLine = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

export class Progress {
  private started = Date.now();
  private phaseStarted = Date.now();
  private drawn = false;
  private lastDraw = 0;
  private total = 0;
  private done = 0;
  private section = '';
  private label = '';
  private pending?: string;

  constructor(readonly mode: ProgressMode, private stream: ProgressStream = process.stderr, private now: () => number = Date.now) {
    this.started = now();
    this.phaseStarted = this.started;
  }

  /** A new phase ("connecting to ssh://node-1", "running 242 items", "writing reports"). */
  phase(label: string): void {
    this.pending = undefined;
    if (this.mode === 'quiet') return;
    this.label = label;
    this.phaseStarted = this.now();
    if (this.mode === 'plain') this.stream.write(`cis-bdd: ${plainLine(label)}\n`);
    else this.draw(true);
  }

  /**
   * A phase that begins only when its items start running: a command that stops before (bad input, an
   * unreachable target) prints its one error line and nothing else.
   */
  phaseWhenItemsStart(label: string): void {
    this.pending = label;
  }

  /** Items of the phase: how many there are. */
  items(total: number): void {
    if (this.pending) {
      const label = this.pending;
      this.pending = undefined;
      this.phase(label);
    }
    this.total = total;
    this.done = 0;
  }

  /** An item started (its section) or finished. */
  itemStarted(section: string): void {
    this.section = section;
    if (this.mode === 'tty') this.draw(false);
  }

  itemFinished(): void {
    this.done++;
    if (this.mode === 'tty') this.draw(this.done === this.total);
  }

  /** A free-form status while waiting (the fleet's slowest running target). */
  status(text: string): void {
    this.section = text;
    if (this.mode === 'tty') this.draw(false);
  }

  /** A line that must stay (a fleet target finished): printed above the progress line. */
  note(line: string): void {
    if (this.mode === 'quiet') return;
    if (this.mode === 'tty') this.clear();
    this.stream.write(`${plainLine(line)}\n`);
    if (this.mode === 'tty') this.draw(true);
  }

  /** The phase is over: in plain mode its time; on a terminal the line is cleared. */
  end(summary?: string): void {
    if (this.mode === 'quiet') return;
    if (this.pending) {
      // the phase never began: nothing to close
      this.pending = undefined;
      return;
    }
    if (this.mode === 'tty') this.clear();
    if (this.mode === 'plain' && summary) this.stream.write(`cis-bdd: ${plainLine(summary)} (${elapsed(this.now() - this.phaseStarted)})\n`);
    this.label = '';
    this.total = 0;
    this.done = 0;
    this.section = '';
  }

  /** The line a terminal shows now. */
  line(): string {
    const parts: string[] = [];
    if (this.total) parts.push(`[${String(this.done).padStart(String(this.total).length)}/${this.total}]`);
    parts.push(elapsed(this.now() - this.started));
    if (this.section) parts.push(this.section);
    parts.push(this.label);
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const text = plainLine(parts.filter(Boolean).join('  '));
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 80) return;
    this.lastDraw = t;
    this.stream.write(`\r\x1b[2K${this.line()}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/** The mode for a stream: quiet when asked, a terminal when it is one, else plain lines. */
export function progressMode(stream: ProgressStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'tty' : 'plain';
}

let active: Progress | undefined;
export const setActiveProgress = (p: Progress | undefined): void => { active = p; };
export const activeProgress = (): Progress | undefined => active;
