/**
 * Every command's options, parsed the same way: --help (or -h) prints the command's own help; a misspelt
 * flag is one line naming the flag, the nearest known one, and where the options are described.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../engine/did-you-mean.js';
import { commandHelp } from './help.js';

type Options = NonNullable<ParseArgsConfig['options']>;
export type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>>;

/**
 * Parse `args` of `command`. Returns the parsed values, or the exit code when the command is done:
 * 0 after printing its help, 2 after a one-line usage error on stderr.
 */
export function parseCommand<T extends Options>(command: string, args: string[], options: T, takesArguments = false): Parsed<T> | number {
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true }) as Parsed<T>;
  } catch (e) {
    process.stderr.write(`cis-bdd: ${optionError(command, e as Error & { code?: string }, Object.keys(options))}\n`);
    return 2;
  }
  if (!takesArguments && parsed.positionals.length) {
    const first = parsed.positionals[0];
    const hint = /^(ssh:\/\/|docker:\/\/|docker-image:\/\/|rootfs:|local$)/.test(first) ? ` (did you mean --target ${first}?)` : '';
    process.stderr.write(`cis-bdd: unexpected argument "${first}": "cis-bdd ${command}" takes options only${hint}; "cis-bdd ${command} --help" lists them\n`);
    return 2;
  }
  return parsed;
}

/** One line for a parse error, with the nearest known flag for an unknown one. */
function optionError(command: string, e: Error & { code?: string }, names: string[]): string {
  const pointer = `"cis-bdd ${command} --help" lists the options`;
  const unknown = /Unknown option '([^']+)'/.exec(e.message);
  if (unknown) {
    const flag = unknown[1];
    const bare = flag.replace(/^-+/, '').split('=')[0];
    const near = closest(bare, names);
    return `Unknown option '${flag}' for "cis-bdd ${command}"${near ? ` (did you mean --${near}?)` : ''}; ${pointer}`;
  }
  return `${e.message.split('\n')[0].replace(/\.$/, '')}; ${pointer}`;
}
