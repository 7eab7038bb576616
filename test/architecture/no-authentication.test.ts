/**
 * An audit never authenticates as anyone (issue 21, point 7): no check, fact, remediation or target runs
 * su, sudo, login or their kin on the target. Every string literal in src/ and steps/ is read, and a
 * program of that kind in command position (at the start of the string, or after ; && || | $( ` or a
 * newline), or alone as an argv element, is a finding. The only exception is the SSH transport's --sudo,
 * which the user asks for on the command line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

const PROGRAMS = ['su', 'sudo', 'login', 'runuser', 'pkexec', 'doas', 'sg', 'newgrp', 'ksu', 'machinectl'];
/** file → why a use there is allowed */
const ALLOWED: Record<string, string> = {
  'src/targets/command-target.ts': "the SSH transport's --sudo, asked for by the user",
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The string literals of a TypeScript source (quotes and template literals; comments skipped), with what precedes each. */
export function stringLiterals(src: string): Array<{ text: string; line: number; before: string }> {
  const out: Array<{ text: string; line: number; before: string }> = [];
  let line = 1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\n') { line++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; line++; continue; }
    if (c === '/' && src[i + 1] === '*') { const j = src.indexOf('*/', i + 2); line += src.slice(i, j).split('\n').length - 1; i = j + 1; continue; }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let text = '';
      const start = line;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') { text += src[j + 1]; j += 2; continue; }
        if (src[j] === '\n') { if (c !== '`') break; line++; }
        text += src[j++];
      }
      out.push({ text, line: start, before: src.slice(Math.max(0, i - 24), i).trimEnd() });
      i = j;
    }
  }
  return out;
}

/** A program name alone is a command when it is the first element of an argv array or the file given to exec/spawn. */
const ARGV_START = /(\[|\b(execFile|execFileSync|spawn|spawnSync|execa)\()$/;
const runs = ({ text, before }: { text: string; before: string }) => (PROGRAMS.includes(text.trim()) && ARGV_START.test(before)) || COMMAND_POSITION.test(text);

const COMMAND_POSITION = new RegExp(`(^|[;&|\`\\n]|\\$\\(|\\b(?:then|do|exec|nohup|timeout \\d+)\\s)\\s*(?:/(?:usr/)?s?bin/)?(${PROGRAMS.join("|")})\\s+\\S`);

describe('no check authenticates as anyone', () => {
  it('no string in src/ or steps/ runs su, sudo, login or their kin, except the SSH transport\'s --sudo', () => {
    const findings: string[] = [];
    let scanned = 0;
    for (const file of [...files(path.join(repoRoot, 'src')), ...files(path.join(repoRoot, 'steps'))]) {
      const rel = path.relative(repoRoot, file);
      for (const { text, line, before } of stringLiterals(readFileSync(file, 'utf8'))) {
        scanned++;
        if (runs({ text, before })) {
          if (ALLOWED[rel]) continue;
          findings.push(`${rel}:${line} ${JSON.stringify(text.slice(0, 120))}`);
        }
      }
    }
    expect(findings, 'commands that would authenticate on the target').toEqual([]);
    expect(scanned).toBeGreaterThan(1000);
  });

  it('the scan finds what it must', () => {
    const hit = (s: string) => stringLiterals(s).some(runs);
    expect(hit("const c = `su - root -c 'printf %s \"$PATH\"'`;")).toBe(true);
    expect(hit("run('sudo -n id')")).toBe(true);
    expect(hit("x = 'cd / && /bin/su root -c id'")).toBe(true);
    expect(hit("execFile('runuser', ['-l', 'root'])")).toBe(true);
    expect(hit("y = \"echo $(login -f root)\"")).toBe(true);
    expect(hit("z = 'the login shell of root'")).toBe(false);
    expect(hit("w = 'run as root (sudo cis-bdd …)'")).toBe(false);
    expect(hit('// su - root in a comment')).toBe(false);
    expect(hit("spawn('su', ['-', 'root'])")).toBe(true);
    expect(hit("pam.stack('login', 'auth')")).toBe(false);
  });
});
