/**
 * A position in a file's text for the hand-written readers of variable files (shell-assignments.ts as dash
 * reads them, systemd-env-file.ts as systemd does): one character at a time, the line counted in newlines
 * (as an editor shows it), and an error that names the file, the line and an excerpt of it.
 */
import { CheckError } from '../model/verdict.js';

/** A shell or environment variable name: what both dash and systemd accept. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class TextCursor {
  protected i = 0;
  /** the line of the file, counted in newlines */
  line = 1;
  constructor(protected readonly text: string, protected readonly file: string) {}

  fail(why: string, line = this.line): never {
    const excerpt = this.text.split('\n')[line - 1]?.slice(0, 80) ?? '';
    throw new CheckError(`${this.file}:${line} ${why}: ${JSON.stringify(excerpt)}`);
  }

  get done(): boolean { return this.i >= this.text.length; }
  get next(): string { return this.text[this.i]; }
  take(): string {
    const c = this.text[this.i++];
    if (c === '\n') this.line++;
    return c;
  }
}
