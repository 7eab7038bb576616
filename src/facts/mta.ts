/**
 * Mail transfer agents and the addresses their configuration makes them listen on: exim4 (the Debian
 * default, configured through dc_local_interfaces in /etc/exim4/update-exim4.conf.conf, where an empty
 * value means every interface) and postfix (inet_interfaces in /etc/postfix/main.cf, whose default is
 * "all"). Which of them is installed comes from the package database. Other MTAs are not read here; a
 * running system's listening sockets show what any MTA really does.
 */
import { CheckError } from '../model/verdict.js';
import { installedPackages } from './packages.js';
import { isLoopbackAddress } from './listening-sockets.js';
import { defineFact } from './store.js';

export const EXIM4_CONF = '/etc/exim4/update-exim4.conf.conf';
export const POSTFIX_MAIN_CF = '/etc/postfix/main.cf';

export interface MtaSetting {
  /** the value as written, or the built-in default when not written */
  value: string;
  /** where it was set; absent when the default applies */
  at?: { file: string; line: number };
}

export interface MtaListening {
  mta: 'exim4' | 'postfix';
  /** the installed package that provides the daemon */
  package: string;
  version: string;
  file: string;
  fileExists: boolean;
  setting: MtaSetting;
  /** the addresses or names listed ("all interfaces" when the list is empty or "all") */
  interfaces: string[];
  /** true when every listed interface is a loopback address */
  loopbackOnly: boolean;
  explanation: string;
}

export interface MailTransferAgents {
  source: string;
  agents: MtaListening[];
}

/** Assignments of update-exim4.conf.conf (a sourced shell file): dc_name='value', the last one wins. */
export function parseEximDebconf(text: string, file = EXIM4_CONF): Map<string, MtaSetting> {
  const out = new Map<string, MtaSetting>();
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    if (!l || l.startsWith('#')) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a name='value' line: ${l.slice(0, 80)}`);
    const q = /^'([^']*)'$/.exec(m[2]) ?? /^"([^"]*)"$/.exec(m[2]);
    if (!q && /['"\s]/.test(m[2])) throw new CheckError(`${file}:${i + 1} has a value whose quoting cannot be read: ${l.slice(0, 80)}`);
    out.set(m[1], { value: q ? q[1] : m[2], at: { file, line: i + 1 } });
  });
  return out;
}

/**
 * Exim's interface list: items separated by ";" as debconf writes them (or by the separator a leading
 * "<x" names). An item may carry a port: "127.0.0.1.25", "[::1]:25" or "::1.25".
 */
export function eximInterfaces(value: string): string[] {
  let v = value.trim();
  let sep = ';';
  const custom = /^<(\S)\s*/.exec(v);
  if (custom) { sep = custom[1]; v = v.slice(custom[0].length); }
  return v.split(sep).map((s) => s.trim()).filter(Boolean);
}

/** The address of an exim or postfix interface item, without brackets or port. */
export function interfaceAddress(item: string): string {
  const bracket = /^\[([^\]]+)\](?:[:.]\d+)?$/.exec(item);
  if (bracket) return bracket[1];
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3})\.\d+$/.exec(item);
  if (v4port) return v4port[1];
  const v6port = /^([0-9A-Fa-f:]*:[0-9A-Fa-f:]*)\.\d+$/.exec(item);
  if (v6port) return v6port[1];
  return item;
}

/**
 * Parameters of postfix's main.cf: `name = value`, lines starting with white space continue the previous
 * one, lines starting with # are comments; the last definition of a name wins.
 */
export function parsePostfixMainCf(text: string, file = POSTFIX_MAIN_CF): Map<string, MtaSetting> {
  const out = new Map<string, MtaSetting>();
  let current: { name: string; value: string; line: number } | null = null;
  const finish = () => { if (current) out.set(current.name, { value: current.value.trim(), at: { file, line: current.line } }); current = null; };
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    if (!l.trim() || /^\s*#/.test(l)) return;
    if (/^\s/.test(l)) {
      if (!current) throw new CheckError(`${file}:${i + 1} continues a line that does not exist`);
      current.value += ` ${l.trim()}`;
      return;
    }
    finish();
    const m = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(l);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a "name = value" line: ${l.slice(0, 80)}`);
    current = { name: m[1], value: m[2], line: i + 1 };
  });
  finish();
  return out;
}

/** Postfix's inet_interfaces items: separated by commas and/or white space. */
export const postfixInterfaces = (value: string) => value.split(/[\s,]+/).filter(Boolean);

function isLoopbackInterface(item: string): boolean {
  const lower = item.toLowerCase();
  if (lower === 'loopback-only' || lower === 'localhost') return true;
  return isLoopbackAddress(interfaceAddress(item));
}

export function eximListening(text: string | null, pkg: { name: string; version: string }): MtaListening {
  const base = { mta: 'exim4' as const, package: pkg.name, version: pkg.version, file: EXIM4_CONF, fileExists: text !== null };
  if (text === null) {
    return { ...base, setting: { value: '' }, interfaces: [], loopbackOnly: false,
      explanation: `${EXIM4_CONF} does not exist, so dc_local_interfaces is empty: exim listens on every interface` };
  }
  const setting = parseEximDebconf(text).get('dc_local_interfaces') ?? { value: '' };
  const interfaces = eximInterfaces(setting.value);
  const where = setting.at ? `${setting.at.file}:${setting.at.line}` : `${EXIM4_CONF} (not set)`;
  if (!interfaces.length) {
    return { ...base, setting, interfaces, loopbackOnly: false, explanation: `${where} dc_local_interfaces='${setting.value}': an empty list makes exim listen on every interface` };
  }
  const outside = interfaces.filter((i) => !isLoopbackInterface(i));
  return { ...base, setting, interfaces, loopbackOnly: outside.length === 0,
    explanation: `${where} dc_local_interfaces='${setting.value}'${outside.length ? `: not loopback: ${outside.join(', ')}` : ': loopback addresses only'}` };
}

export function postfixListening(text: string | null, pkg: { name: string; version: string }): MtaListening {
  const base = { mta: 'postfix' as const, package: pkg.name, version: pkg.version, file: POSTFIX_MAIN_CF, fileExists: text !== null };
  const setting = (text === null ? undefined : parsePostfixMainCf(text).get('inet_interfaces')) ?? { value: 'all' };
  const interfaces = postfixInterfaces(setting.value);
  const where = setting.at ? `${setting.at.file}:${setting.at.line} inet_interfaces = ${setting.value}` : `${POSTFIX_MAIN_CF}${text === null ? ' does not exist' : ''}: inet_interfaces is not set, so the default "all" applies`;
  if (!interfaces.length || interfaces.some((i) => i.toLowerCase() === 'all')) {
    return { ...base, setting, interfaces, loopbackOnly: false, explanation: `${where}: postfix listens on every interface` };
  }
  const outside = interfaces.filter((i) => !isLoopbackInterface(i));
  return { ...base, setting, interfaces, loopbackOnly: outside.length === 0,
    explanation: `${where}${outside.length ? `: not loopback: ${outside.join(', ')}` : ': loopback only'}` };
}

export const mailTransferAgents = defineFact<MailTransferAgents>('mail-transfer-agents', async ({ facts }) => {
  const db = await facts.get(installedPackages);
  const agents: MtaListening[] = [];
  const exim = [...db.packages.values()].find((p) => p.name.startsWith('exim4-daemon-'));
  if (exim) agents.push(eximListening(await facts.text(EXIM4_CONF), exim));
  const postfix = db.packages.get('postfix');
  if (postfix) agents.push(postfixListening(await facts.text(POSTFIX_MAIN_CF), postfix));
  return { source: db.source, agents };
}, [EXIM4_CONF, POSTFIX_MAIN_CF]);
