/**
 * Steps about the mail transfer agent: whether the installed MTAs are configured to listen on loopback
 * addresses only, and whether anything on the running system accepts SMTP connections (port 25) on an
 * address other systems can reach.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { EXIM4_CONF, mailTransferAgents, POSTFIX_MAIN_CF, type MtaListening } from '../src/facts/mta.js';
import type { Remediation } from '../src/model/remediation.js';
import { describeSocket, isLoopbackAddress, listeningSockets, socketTables } from '../src/facts/listening-sockets.js';
import { rootFile, settingFix } from '../src/remediation/templates.js';

const SMTP_PORT = 25;

/** Make an MTA listen on loopback only, in the file and setting its package reads. */
function localOnly(a: MtaListening): Remediation {
  if (a.mta === 'postfix') {
    return settingFix({
      path: POSTFIX_MAIN_CF, settings: [['inet_interfaces', 'loopback-only']], separator: ' = ', create: rootFile(0o644), reload: 'postfix.service',
      summary: `postfix listens on loopback only: inet_interfaces = loopback-only in ${POSTFIX_MAIN_CF}`,
    });
  }
  // the exim4 service regenerates its configuration from update-exim4.conf.conf when it (re)starts
  return settingFix({
    path: EXIM4_CONF, settings: [['dc_local_interfaces', "'127.0.0.1 ; ::1'"]], separator: '=', create: rootFile(0o644), reload: 'exim4.service',
    summary: `exim4 listens on loopback only: dc_local_interfaces='127.0.0.1 ; ::1' in ${EXIM4_CONF}`,
  });
}

Then('every installed mail transfer agent among exim4 and postfix is configured to listen on loopback addresses only', async function (this: CisWorld) {
  const { source, agents } = await this.fact(mailTransferAgents);
  if (!agents.length) {
    this.record(source, 'no exim4 daemon package (exim4-daemon-*) and no postfix package is installed');
    return;
  }
  for (const a of agents) this.record(a.setting.at ? `${a.setting.at.file}:${a.setting.at.line}` : a.file, `${a.package} ${a.version}: ${a.explanation}`);
  const open = agents.filter((a) => !a.loopbackOnly);
  if (open.length) {
    for (const a of open) this.remedy(localOnly(a));
    this.fail(open.map((a) => `${a.mta} is not local-only: ${a.explanation}`).join('; '));
  }
});

Then('nothing on the running system listens on port 25 on an address other than loopback', async function (this: CisWorld) {
  const tables = await this.liveFact(socketTables);
  if (!tables) return;
  const listening = listeningSockets(tables);
  const smtp = listening.filter((s) => s.localPort === SMTP_PORT);
  const open = smtp.filter((s) => !isLoopbackAddress(s.localAddress));
  this.record('listening sockets (/proc/net/tcp, tcp6, udp, udp6)', smtp.length
    ? smtp.map((s) => `${s.table}:${s.line} ${describeSocket(s)}${isLoopbackAddress(s.localAddress) ? ' (loopback)' : ''}`).join('; ')
    : `no socket listens on port ${SMTP_PORT} (${listening.length} listening TCP and UDP sockets in all)`);
  if (open.length) {
    this.needsPerson([`find the program listening on ${open.map((s) => describeSocket(s)).join(', ')} and configure it to listen on loopback addresses only, or stop and disable it`]);
    this.fail(`port ${SMTP_PORT} is open on ${open.map((s) => describeSocket(s)).join(', ')}`);
  }
});
