/**
 * What `cis-bdd --help` and `cis-bdd COMMAND --help` print: every command's usage and every option it
 * takes, described. Light on purpose: --help loads no more than this.
 */
import { benchmarkIds } from '../engine/benchmarks.js';
import { TARGET_FORMS } from '../targets/forms.js';
import { toolVersion } from '../engine/paths.js';

/** One option as help shows it: the flag, its argument (if it takes one) and what it does. */
export interface OptionHelp { flag: string; arg?: string; text: string }

const TARGET: OptionHelp[] = [
  { flag: '--target', arg: 'URI', text: `what to act on (default: local):\n${TARGET_FORMS.join('\n')}` },
];
const SSH: OptionHelp[] = [
  { flag: '--identity', arg: 'FILE', text: 'SSH private key (its passphrase from CIS_BDD_SSH_PASSPHRASE)' },
  { flag: '--known-hosts', arg: 'FILE', text: 'known_hosts file the SSH host key is checked against (default ~/.ssh/known_hosts)' },
  { flag: '--accept-new-host-key', text: 'accept an SSH host key not yet known, and record it in the known_hosts file' },
  { flag: '--sudo', text: 'run every command through passwordless sudo -n (non-root SSH users)' },
];
const SELECTION: OptionHelp[] = [
  // a getter: the benchmarks are known once the CLI has read CIS_BDD_BENCHMARKS_DIR
  { flag: '--benchmark', arg: 'ID', get text() { return `${benchmarkIds().join(' | ')} | closest\n(default: chosen from the target's /etc/os-release; "closest" also accepts another OS of the same family, with a warning in the report; more benchmarks from CIS_BDD_BENCHMARKS_DIR)`; } },
  { flag: '--level', arg: '1|2', text: 'profile level; level 2 includes level 1 (default 2; with --policy, the policy\'s profile, and a different --level is refused)' },
  { flag: '--scored-only', text: 'only scored items (with --policy: refused unless the policy says scored-only: true)' },
  { flag: '--only', arg: 'IDS', text: 'comma-separated item ids or section prefixes (5.3,6.1.2: every 5.3.x item and 6.1.2)' },
  { flag: '--tags', arg: 'EXPR', text: 'an extra cucumber tag expression, and-ed with the rest ("@level:1 and not @section:1.1"); "cis-bdd list --benchmark ID" shows the items' },
  { flag: '--policy', arg: 'FILE', text: 'a policy: benchmark, profile, include/exclude, tailoring, waivers (see policies/)' },
];
const LIMITS: OptionHelp[] = [
  { flag: '--timeout', arg: 'SECONDS', text: 'how long one round trip to the target may take (default 300; a filesystem walk 10 times that); then the items that needed it are "error", "timed out after N s"' },
  { flag: '--max-file-size', arg: 'SIZE', text: 'the largest file read as content (default 8M; K, M, G suffixes); a larger file makes the items that need it "error", "too large to be a configuration file"' },
  { flag: '--container-as-host', text: 'in a container, evaluate kernel, bootloader, partition and time items as on a host (privileged containers sharing the host\'s namespaces; a warning is recorded)' },
  { flag: '--trace', text: 'print each command sent to the target with its time (stderr)' },
];
const REPORTS: OptionHelp[] = [
  { flag: '--out', arg: 'DIR', text: 'report directory (default reports/<timestamp>)' },
  { flag: '--no-html', text: 'do not generate the Allure HTML report (the gate\'s exit code without waiting for it); "cis-bdd report DIR" makes it later' },
  { flag: '--no-allure', text: 'write no Allure results at all (compliance.json and summary.txt only; the fastest pipeline gate)' },
  { flag: '--formats', arg: 'LIST', text: 'report files besides compliance.json: junit, sarif, xccdf, all (default) or none' },
  { flag: '--quiet', text: 'print only the final summary line (no progress); also -q' },
];
const HELP: OptionHelp = { flag: '--help', text: 'this help; also -h' };

export const COMMAND_HELP: Record<string, { usage: string; about: string; options: OptionHelp[] }> = {
  audit: {
    usage: 'cis-bdd audit [--target URI] [options]\n  cis-bdd audit --target A --target B ... | --targets FILE [--concurrency N] [--isolate] [options]',
    about: 'Audit a target (or a fleet) against a CIS benchmark and write compliance.json, summary.txt and the other reports.',
    options: [...TARGET,
      { flag: '--targets', arg: 'FILE', text: 'a fleet: one target URI a line, optionally "identity=PATH" and "policy=PATH"; # starts a comment' },
      { flag: '--concurrency', arg: 'N', text: 'fleet: at most N targets at a time (default: the CPUs for local kinds, more for SSH)' },
      { flag: '--isolate', text: 'fleet: audit each target in a cis-bdd process of its own (a crash stays with its target; slower: everything loads again per target). By default the targets are audited in this process' },
      ...SELECTION,
      { flag: '--baseline', arg: 'FILE', text: 'gate on the difference from an earlier audit (compliance.json or fleet.json): exit 1 only when a scored item newly fails' },
      ...REPORTS, ...SSH, ...LIMITS, HELP],
  },
  harden: {
    usage: 'cis-bdd harden --target URI [--policy FILE] [--dry-run] [--yes] [--allow-install] [--tag IMAGE:TAG] [options]',
    about: 'Audit, plan the failing items\' remediations, back up every file that will change, apply, and audit again.\nWaived and unselected items are never touched; "cis-bdd rollback" undoes a run.',
    options: [...TARGET,
      { flag: '--dry-run', text: 'print the plan (a diff per file, each command) and change nothing' },
      { flag: '--yes', text: 'apply without asking; needed when there is no terminal, for local and ssh:// targets' },
      { flag: '--allow-install', text: 'allow installing packages from the target\'s own repositories (yum or apt-get; a running system only); without it packages are only removed' },
      { flag: '--tag', arg: 'IMAGE:TAG', text: 'docker-image:// targets (required there): commit the hardened throwaway container as this image' },
      ...SELECTION, ...REPORTS, ...SSH, ...LIMITS, HELP],
  },
  rollback: {
    usage: 'cis-bdd rollback --target URI --run RUN_ID|latest [options]',
    about: 'Restore what a hardening run changed, from the run record it left on the target (also a run that was killed part-way).',
    options: [...TARGET,
      { flag: '--run', arg: 'RUN_ID|latest', text: 'the run to undo: its id (in harden.json) or "latest", the newest run not rolled back yet' },
      ...SSH, HELP],
  },
  merge: {
    usage: 'cis-bdd merge --out DIR FILE...',
    about: 'Make a fleet report (fleet.json, one directory per node) from compliance.json files or pod logs collected elsewhere.',
    options: [
      { flag: '--out', arg: 'DIR', text: 'where fleet.json and each node\'s compliance.json are written (required)' },
      { flag: 'FILE...', text: 'compliance.json files or logs in which the image\'s node audit printed its report; "-" reads a log from stdin (kubectl logs ... | cis-bdd merge --out fleet -)' },
      HELP],
  },
  report: {
    usage: 'cis-bdd report DIR [--out REPORT_DIR]',
    about: 'Make the Allure HTML report of an audit or a fleet after the fact (audited with --no-html): from DIR\'s compliance.json\nand allure-results, or its fleet.json and the targets\' results. Exit 2 when DIR cannot make one (no report there, or\naudited with --no-allure).',
    options: [
      { flag: 'DIR', text: 'the --out directory of an audit (compliance.json, allure-results) or of a fleet (fleet.json)' },
      { flag: '--out', arg: 'REPORT_DIR', text: 'where the report is written (default DIR/allure-report; an earlier report there is replaced, any other directory refused)' },
      HELP],
  },
  diff: {
    usage: 'cis-bdd diff OLD NEW [--json] [--limit N]',
    about: 'What changed between two audits (compliance.json or fleet.json on either side). Exit 1 when a scored item newly fails.',
    options: [
      { flag: '--json', text: 'print the difference as JSON' },
      { flag: '--limit', arg: 'N', text: 'show at most N items of each list' },
      HELP],
  },
  policy: {
    usage: 'cis-bdd policy check FILE [--against compliance.json]',
    about: 'Validate a policy: exit 2 with file:line on errors, or when it selects nothing. Warns about expired waivers;\nwith --against, also about waivers of items that passed in that audit (a waiver no longer needed).',
    options: [
      { flag: '--against', arg: 'FILE', text: 'a compliance.json of an audit with this policy: name the waivers whose items passed there' },
      HELP],
  },
  list: {
    usage: 'cis-bdd list [--benchmark ID] [--policy FILE] [--level 1|2] [--scored-only] [--only IDS] [--tags EXPR] [--tailoring]',
    about: 'Without options: the benchmarks. With --benchmark or --policy: the items an audit would run, and what is waived.',
    options: [
      { flag: '--benchmark', arg: 'ID', get text() { return `${benchmarkIds().join(' | ')}: list its items, or with --tailoring its values (default: the policy's benchmark)`; } },
      SELECTION[5], SELECTION[1], SELECTION[2], SELECTION[3], SELECTION[4],
      { flag: '--tailoring', text: 'the values a policy may tailor: name, type, default, the items that read it' },
      HELP],
  },
};

/** Every command's name, for "did you mean". */
export const COMMAND_NAMES = [...Object.keys(COMMAND_HELP), 'help', 'version'];

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

function wrapOption(o: OptionHelp): string {
  const head = `  ${o.flag}${o.arg ? ` ${o.arg}` : ''}`;
  const pad = ' '.repeat(32);
  const [first, ...more] = o.text.split('\n');
  const lines = [...wrap(first, 76), ...more.flatMap((l) => wrap(l, 74).map((w) => `  ${w}`))];
  return (head.length < 31 ? head.padEnd(32) + lines[0] : `${head}\n${pad}${lines[0]}`) + lines.slice(1).map((l) => `\n${pad}${l}`).join('');
}

export function commandHelp(command: string): string {
  const h = COMMAND_HELP[command];
  return `Usage:\n  ${h.usage}\n\n${h.about}\n\nOptions:\n${h.options.map(wrapOption).join('\n')}\n\n${EXIT_CODES}\n`;
}

const EXIT_CODES = `Exit codes: 0 compliant, 1 failed items, 2 usage/connection/authentication error (or nothing selected),
3 items in error (or the target was lost mid-audit), 130/143 interrupted by Ctrl-C/SIGTERM (the report so far is kept).`;

export const globalHelp = (): string => `cis-bdd ${toolVersion()} — CIS benchmarks as executable specifications

Usage:
  cis-bdd audit [options]       audit one target and write reports
  cis-bdd audit --target A --target B ... | --targets FILE [--concurrency N]
                                audit a fleet: one report per target, fleet.json, one Allure report
  cis-bdd harden [options]      plan, apply and verify the failing items' remediations
  cis-bdd rollback --target URI --run RUN_ID|latest
                                restore what a hardening run changed
  cis-bdd merge --out DIR FILE...
                                a fleet report from compliance.json files or pod logs collected elsewhere
  cis-bdd report DIR [--out REPORT_DIR]
                                the Allure HTML report of an audit or fleet made with --no-html
  cis-bdd diff OLD NEW          what changed between two audits; exit 1 when a scored item newly fails
  cis-bdd policy check FILE     validate a policy (exit 2 with file:line on errors)
  cis-bdd list                  the benchmarks; with --benchmark or --policy, what an audit would run
  cis-bdd --version

"cis-bdd COMMAND --help" describes every option of a command (cis-bdd audit --help).
SSH passwords are read only from CIS_BDD_SSH_PASSWORD, never from the command line.
${EXIT_CODES}
`;
