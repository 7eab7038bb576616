/**
 * cis-bdd command line.
 *
 *   cis-bdd COMMAND [options]      (cis-bdd --help; cis-bdd COMMAND --help: the command's options)
 *
 * Exit codes: 0 every selected scored item passed (or does not apply); 1 at least one failed;
 * 2 usage error, target unreachable or authentication failed; 3 the audit ran but items ended in error.
 */
import { COMMAND_HELP, COMMAND_NAMES, commandHelp, globalHelp as help } from './cli/help.js';
import { closest } from './engine/did-you-mean.js';
import { toolVersion } from './engine/paths.js';
import { useBenchmarksDir } from './engine/benchmarks.js';

// Only what --version, --help and usage errors need is imported above. cucumber, the step library, Allure
// and the transports' client libraries load with the command that uses them (api.js and what it imports).

/** Each command's module, loaded when it runs. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  audit: async (args) => (await import('./cli/audit-command.js')).auditCommand(args, false),
  harden: async (args) => (await import('./cli/audit-command.js')).auditCommand(args, true),
  diff: async (args) => (await import('./cli/diff-command.js')).diffCommand(args),
  merge: async (args) => (await import('./cli/commands.js')).mergeCommand(args),
  rollback: async (args) => (await import('./cli/commands.js')).rollbackCommand(args),
  policy: async (args) => (await import('./cli/commands.js')).policyCommand(args),
  list: async (args) => (await import('./cli/commands.js')).listCommand(args),
  report: async (args) => (await import('./cli/report-command.js')).reportCommand(args),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (process.env.CIS_BDD_BENCHMARKS_DIR) useBenchmarksDir(process.env.CIS_BDD_BENCHMARKS_DIR); // benchmarks besides benchmarks/
  if ((command === 'help' || command === '--help' || command === '-h') && rest[0] && Object.hasOwn(COMMAND_HELP, rest[0])) {
    process.stdout.write(commandHelp(rest[0]));
    return 0;
  }
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help());
    return command ? 0 : 2;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${toolVersion()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    if (command.startsWith('-')) {
      process.stderr.write(`cis-bdd: "${command}" is an option: write the command first (for example "cis-bdd audit ${argv.join(' ')}"); "cis-bdd --help" lists the commands\n`);
      return 2;
    }
    const near = closest(command, COMMAND_NAMES);
    process.stderr.write(`cis-bdd: unknown command "${command}"${near ? ` (did you mean "cis-bdd ${near}"?)` : ''}; the commands: ${Object.keys(COMMANDS).join(', ')}; "cis-bdd --help" describes them\n`);
    return 2;
  }
  return run(rest);
}
