/**
 * cis-bdd command line.
 *
 *   cis-bdd audit [--target URI] [--benchmark ID] [--level 1|2] [--scored-only] [--only IDS] [--out DIR]
 *
 * Exit codes: 0 every selected scored item passed (or does not apply); 1 at least one failed;
 * 2 usage error, target unreachable or authentication failed; 3 the audit ran but items ended in error.
 */
import { benchmarkIds } from './engine/catalogue.js';
import { TARGET_FORMS } from './targets/forms.js';
import { toolVersion } from './engine/paths.js';

// Only what --version, --help and usage errors need is imported above. cucumber, the step library, Allure
// and the transports' client libraries load with the command that uses them (api.js and what it imports).

const help = () => `cis-bdd ${toolVersion()} — CIS benchmarks as executable specifications

Usage:
  cis-bdd audit [options]       audit one target and write reports
  cis-bdd harden [options] [--dry-run] [--allow-install] [--tag IMAGE:TAG]
                                plan, apply and verify the failing items' remediations
  cis-bdd rollback --target URI --run RUN_ID|latest
                                restore what a hardening run changed ("latest": the newest run not
                                rolled back yet, also one that was killed part-way)
  cis-bdd audit --target A --target B ... | --targets FILE [--concurrency N]
                                audit a fleet: one report per target, fleet.json, one Allure report
  cis-bdd merge --out DIR FILE...
                                a fleet report from compliance.json files or pod logs collected
                                elsewhere ("-" reads a log from stdin: kubectl logs ... | cis-bdd merge -)
  cis-bdd diff OLD NEW [--json] [--limit N]
                                what changed between two audits (compliance.json or fleet.json);
                                exit 1 when a scored item newly fails
  cis-bdd policy check FILE     validate a policy (exit 2 with file:line on errors)
  cis-bdd list [--benchmark ID] [--policy FILE] [--level 1|2] [--scored-only] [--tailoring]
                                what an audit would run, and what is waived
  cis-bdd --version

Audit options:
  --target URI                  what to audit (default: local)
${TARGET_FORMS.map((f) => `                                  ${f}`).join('\n')}
  --benchmark ID                ${benchmarkIds().join(' | ')}
                                (default: chosen from the target's /etc/os-release; "closest" also
                                accepts another OS of the same family, with a warning in the report)
  --level 1|2                   profile level; level 2 includes level 1 (default 2)
  --scored-only                 only scored items
  --only IDS                    comma-separated item ids or section prefixes (5.3,6.1.2)
  --tags EXPR                   an extra cucumber tag expression
  --policy FILE                 a policy: profile, include/exclude, tailoring, waivers (see policies/)
  --out DIR                     report directory (default reports/<timestamp>)
  --identity FILE               SSH private key (passphrase from CIS_BDD_SSH_PASSPHRASE)
  --known-hosts FILE            known_hosts file to check the SSH host key (default ~/.ssh/known_hosts)
  --accept-new-host-key         accept and record an SSH host key not yet known
  --sudo                        run commands through passwordless sudo (non-root SSH users)
  --no-html                     do not generate the Allure HTML report
  --no-allure                   write no Allure results at all (compliance.json and summary.txt only;
                                the fastest way to gate a pipeline)
  --formats LIST                report files besides compliance.json: junit, sarif, xccdf, all (default)
                                or none (junit.xml, results.sarif, xccdf-results.xml)
  --baseline FILE               gate on the difference from an earlier audit (compliance.json or
                                fleet.json): exit 1 only when a scored item newly fails
  --quiet                       print only the final summary line (no progress)
  --container-as-host           in a container, evaluate kernel, bootloader, partition and time items
                                as on a host (privileged containers sharing the host's namespaces)
  --trace                       print each command sent to the target with its time
  --timeout SECONDS             how long one round trip to the target may take (default 300; a
                                filesystem walk may take 10 times as long); then the items that needed
                                it are "error", "timed out after N s"
  --max-file-size SIZE          the largest file read as content (default 8M; K, M, G suffixes); a larger
                                file makes the items that need it "error", "too large to be a
                                configuration file"

SSH passwords are read only from CIS_BDD_SSH_PASSWORD, never from the command line.
Exit codes: 0 compliant, 1 failed items, 2 usage/connection/authentication error, 3 items in error
(or the target was lost mid-audit), 130/143 interrupted by Ctrl-C/SIGTERM (the report so far is kept).
`;

/** Each command's module, loaded when it runs. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  audit: async (args) => (await import('./cli/audit-command.js')).auditCommand(args, false, help),
  harden: async (args) => (await import('./cli/audit-command.js')).auditCommand(args, true, help),
  diff: async (args) => (await import('./cli/diff-command.js')).diffCommand(args),
  merge: async (args) => (await import('./cli/commands.js')).mergeCommand(args),
  rollback: async (args) => (await import('./cli/commands.js')).rollbackCommand(args),
  policy: async (args) => (await import('./cli/commands.js')).policyCommand(args),
  list: async (args) => (await import('./cli/commands.js')).listCommand(args),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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
    process.stderr.write(`cis-bdd: unknown command "${command}"\n\n${help()}`);
    return 2;
  }
  return run(rest);
}
