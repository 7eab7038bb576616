/**
 * nftables rulesets as configuration files and `nft list ruleset` print them: tables, chains with their
 * hooks and policies, and the loopback rules of the input chains. Pure parsing; the firewall fact
 * (firewall.ts) decides which files and commands to read.
 */
import { CheckError } from '../model/verdict.js';


export interface NftChain {
  family: string;
  table: string;
  name: string;
  file: string;
  line: number;
  type?: string;
  hook?: string;
  priority?: string;
  policy?: string;
  rules: Array<{ text: string; file: string; line: number }>;
}

export interface NftRuleset {
  tables: Array<{ family: string; name: string; file: string; line: number }>;
  chains: NftChain[];
  includes: Array<{ path: string; file: string; line: number }>;
}

const NFT_FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

/** Statements that open a block of their own; any other "{" is a set literal inside a statement. */
const OBJECT_BLOCK = /^(?:(?:add|create) )?(?:table|chain|set|map|flowtable|counter|quota|limit|secmark|synproxy|ct (?:helper|timeout|expectation))\b/;

interface NftStatement { text: string; line: number; block: boolean }

/** Split nft syntax into statements (ended by newline or ";") and blocks ("{" … "}"), comments removed. */
function nftStatements(text: string, file: string): Array<NftStatement | { close: true; line: number }> {
  const out: Array<NftStatement | { close: true; line: number }> = [];
  let buf = '';
  let bufLine = 1;
  let line = 1;
  let literal = 0; // depth of braces inside a statement (anonymous sets, set elements)
  let quote = false;
  const flush = (block: boolean) => {
    const t = buf.trim().replace(/\s+/g, ' ');
    if (t || block) out.push({ text: t, line: bufLine, block });
    buf = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) { buf += c; if (c === '"') quote = false; if (c === '\n') line++; continue; }
    if (c === '"') { quote = true; buf += c; continue; }
    if (c === '#') { while (i + 1 < text.length && text[i + 1] !== '\n') i++; continue; }
    if (c === '\\' && text[i + 1] === '\n') { i++; line++; buf += ' '; continue; }
    if (!buf.trim()) bufLine = line;
    if (c === '{') {
      const head = buf.trim();
      const opensBlock = literal === 0 && OBJECT_BLOCK.test(head);
      if (opensBlock) { flush(true); continue; }
      literal++;
      buf += c;
      continue;
    }
    if (c === '}') {
      if (literal > 0) { literal--; buf += c; continue; }
      flush(false);
      out.push({ close: true, line });
      continue;
    }
    if ((c === '\n' || c === ';') && literal === 0) { flush(false); if (c === '\n') line++; continue; }
    if (c === '\n') { line++; buf += ' '; continue; }
    buf += c;
  }
  if (quote) throw new CheckError(`${file}: unterminated quote`);
  if (literal > 0) throw new CheckError(`${file}: unbalanced "{"`);
  flush(false);
  return out;
}

/** "[family] name" → family and name (family ip when left out, as nft does). */
function familyAndName(words: string[]): { family: string; name: string; rest: string[] } | null {
  if (!words.length) return null;
  if (NFT_FAMILIES.has(words[0]) && words.length >= 2) return { family: words[0], name: words[1], rest: words.slice(2) };
  return { family: 'ip', name: words[0], rest: words.slice(1) };
}

/**
 * Parse an nftables ruleset in the block syntax that `nft list ruleset` prints and /etc/nftables.conf
 * uses (table { chain { type … hook … priority …; policy …; rules } }), plus the command forms
 * `add|create table|chain|rule`, `include`, `flush ruleset` and `define`. Sets, maps and other objects
 * are skipped. Unbalanced braces or statements out of place are parse failures.
 */
export function parseNft(text: string, file: string): NftRuleset {
  const rs: NftRuleset = { tables: [], chains: [], includes: [] };
  const stack: Array<{ kind: 'table'; family: string; name: string } | { kind: 'chain'; chain: NftChain } | { kind: 'other' }> = [];
  const chainOf = (family: string, table: string, name: string, line: number): NftChain => {
    let c = rs.chains.find((x) => x.family === family && x.table === table && x.name === name);
    if (!c) { c = { family, table, name, file, line, rules: [] }; rs.chains.push(c); }
    return c;
  };
  const addTable = (family: string, name: string, line: number) => {
    if (!rs.tables.some((t) => t.family === family && t.name === name)) rs.tables.push({ family, name, file, line });
  };
  const chainProps = (chain: NftChain, text: string, line: number) => {
    const m = /^type (\S+) hook (\S+)(?: device \S+)? priority (\S+)$/.exec(text);
    if (m) { chain.type = m[1]; chain.hook = m[2]; chain.priority = m[3]; return; }
    const p = /^policy (\S+)$/.exec(text);
    if (p) { chain.policy = p[1]; return; }
    chain.rules.push({ text, file, line });
  };
  for (const s of nftStatements(text, file)) {
    const top = stack[stack.length - 1];
    if ('close' in s) {
      if (!stack.length) throw new CheckError(`${file}:${s.line} closes a block that was never opened`);
      stack.pop();
      continue;
    }
    const words = s.text.split(' ').filter(Boolean);
    if (s.block) {
      if (!top) {
        const head = words[0] === 'add' || words[0] === 'create' ? words.slice(1) : words;
        if (head[0] === 'table') {
          const fn = familyAndName(head.slice(1));
          if (!fn) throw new CheckError(`${file}:${s.line} table without a name`);
          addTable(fn.family, fn.name, s.line);
          stack.push({ kind: 'table', family: fn.family, name: fn.name });
        } else if (head[0] === 'chain') {
          const fn = familyAndName(head.slice(1));
          if (!fn || !fn.rest[0]) throw new CheckError(`${file}:${s.line} chain without a table and a name`);
          addTable(fn.family, fn.name, s.line);
          stack.push({ kind: 'chain', chain: chainOf(fn.family, fn.name, fn.rest[0], s.line) });
        } else stack.push({ kind: 'other' });
      } else if (top.kind === 'table' && words[0] === 'chain' && words[1]) {
        stack.push({ kind: 'chain', chain: chainOf(top.family, top.name, words[1], s.line) });
      } else stack.push({ kind: 'other' });
      continue;
    }
    if (!top) {
      if (words[0] === 'include') {
        const m = /^include "([^"]+)"$/.exec(s.text);
        if (!m) throw new CheckError(`${file}:${s.line} include without a quoted path`);
        rs.includes.push({ path: m[1], file, line: s.line });
      } else if (words[0] === 'flush' || words[0] === 'define' || words[0] === 'delete' || words[0] === 'destroy') {
        // nothing to record
      } else if ((words[0] === 'add' || words[0] === 'create') && words[1] === 'table') {
        const fn = familyAndName(words.slice(2));
        if (fn) addTable(fn.family, fn.name, s.line);
      } else if ((words[0] === 'add' || words[0] === 'create') && words[1] === 'chain') {
        const fn = familyAndName(words.slice(2));
        if (fn?.rest[0]) { addTable(fn.family, fn.name, s.line); chainOf(fn.family, fn.name, fn.rest[0], s.line); }
      } else if ((words[0] === 'add' || words[0] === 'insert') && words[1] === 'rule') {
        const fn = familyAndName(words.slice(2));
        if (!fn || !fn.rest[0]) throw new CheckError(`${file}:${s.line} rule without a table and a chain`);
        const c = chainOf(fn.family, fn.name, fn.rest[0], s.line);
        c.rules.push({ text: fn.rest.slice(1).join(' '), file, line: s.line });
      } else if (words[0] === 'table' || words[0] === 'chain') {
        throw new CheckError(`${file}:${s.line} "${s.text}" should open a block`);
      }
      // other commands (list, reset, monitor…) do not define the ruleset
      continue;
    }
    if (top.kind === 'chain') chainProps(top.chain, s.text, s.line);
    // statements of a table outside chains (flags, comments) and of sets are not needed
  }
  if (stack.length) throw new CheckError(`${file}: ${stack.length} block(s) not closed at the end of the file`);
  return rs;
}

export function mergeNft(sets: NftRuleset[]): NftRuleset {
  const out: NftRuleset = { tables: [], chains: [], includes: [] };
  for (const s of sets) {
    for (const t of s.tables) if (!out.tables.some((x) => x.family === t.family && x.name === t.name)) out.tables.push(t);
    for (const c of s.chains) {
      const have = out.chains.find((x) => x.family === c.family && x.table === c.table && x.name === c.name);
      if (!have) { out.chains.push({ ...c, rules: [...c.rules] }); continue; }
      have.type ??= c.type; have.hook ??= c.hook; have.priority ??= c.priority;
      if (c.policy) have.policy = c.policy;
      have.rules.push(...c.rules);
    }
    out.includes.push(...s.includes);
  }
  return out;
}

export const baseChains = (rs: NftRuleset, hook: string) => rs.chains.filter((c) => c.hook === hook);

const COUNTER = '(?:counter(?: packets \\d+ bytes \\d+)? )?';
const NFT_LOOPBACK = {
  acceptIn: new RegExp(`^(?:meta )?(?:iif|iifname) "?lo"? ${COUNTER}accept$`),
  drop4: new RegExp(`^ip saddr 127\\.0\\.0\\.0/8 ${COUNTER}(?:drop|reject.*)$`),
  drop6: new RegExp(`^ip6 saddr ::1(?:/128)? ${COUNTER}(?:drop|reject.*)$`),
};

export interface NftLoopback { acceptIn?: NftChain['rules'][number]; drop4?: NftChain['rules'][number]; drop6?: NftChain['rules'][number] }

/** The loopback rules in the input base chains: accept on lo, drop loopback sources on other interfaces. */
export function nftLoopbackRules(rs: NftRuleset): NftLoopback {
  const rules = baseChains(rs, 'input').flatMap((c) => c.rules);
  return {
    acceptIn: rules.find((r) => NFT_LOOPBACK.acceptIn.test(r.text)),
    drop4: rules.find((r) => NFT_LOOPBACK.drop4.test(r.text)),
    drop6: rules.find((r) => NFT_LOOPBACK.drop6.test(r.text)),
  };
}

export function describeNftChain(c: NftChain): string {
  const head = c.hook ? `type ${c.type} hook ${c.hook} priority ${c.priority}; policy ${c.policy ?? 'accept (default)'}` : 'regular chain';
  return `table ${c.family} ${c.table} chain ${c.name}: ${head}; ${c.rules.length} rule(s)`;
}
