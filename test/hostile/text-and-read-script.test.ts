/**
 * The pieces under the hostile cases, without an audit: the escaping of target text (model/text.ts), and
 * the live kinds' read script (shell-protocol.ts) run by the real /bin/sh over a directory holding a FIFO,
 * a socket, a device, a link loop, a dangling link, a sparse file and binary bytes, under a timeout, so
 * a script that blocks fails the test instead of hanging it.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { decodeTargetBytes, safeName, safeText } from '../../src/model/text.js';
import { parseReadFiles, readFilesScript } from '../../src/targets/shell-protocol.js';

describe('decodeTargetBytes and safeText', () => {
  it('keeps valid UTF-8 as it is and shows each invalid byte as \\xNN', () => {
    expect(decodeTargetBytes(Buffer.from('PASS_MAX_DAYS 90 é ✓'))).toBe('PASS_MAX_DAYS 90 é ✓');
    const text = decodeTargetBytes(Buffer.from([0x61, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x62]));
    expect(safeText(text)).toBe('a\\xff\\xc3(\\xed\\xa0\\x80b');
  });

  it('escapes controls, escape sequences, bidi overrides and U+FFFD; keeps newlines and tabs in text', () => {
    expect(safeText('a\x1b[31mred\x07\r\n\tb\u202ec\u0085d\ufffd')).toBe('a\\x1b[31mred\\x07\\r\n\tb\\u202ec\\x85d\\ufffd');
    expect(safeText('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('caps long lines and long texts, saying how much was left out', () => {
    expect(safeText(`${'x'.repeat(1500)}\nshort`)).toBe(`${'x'.repeat(1000)}… (500 more characters on this line)\nshort`);
    expect(safeText('y\n'.repeat(50_000)).length).toBeLessThan(70_000);
  });

  it('shows a name on one line, unambiguously: newline, tab and backslash escaped', () => {
    expect(safeName('/tmp/a\nb\tc\\x')).toBe('/tmp/a\\nb\\tc\\\\x');
  });

  it('never lets a control character, a lone surrogate or a bidi override through (fast-check, 2000 byte strings)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, single) => {
      const shown = safeText(decodeTargetBytes(Buffer.from(bytes)), { singleLine: single });
      expect(shown).not.toMatch(single ? /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]/ : /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]/);
      expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(shown)).toBe(false);
      // what is shown is valid UTF-8 once encoded
      expect(Buffer.from(shown, 'utf8').toString('utf8')).toBe(shown);
    }), { seed: 14, numRuns: 2000 });
  });

  it('keeps every byte: decoding then re-encoding the surrogate-escaped bytes gives the input back (fast-check)', () => {
    const reencode = (s: string) => {
      const out: number[] = [];
      for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp >= 0xdc80 && cp <= 0xdcff) out.push(cp - 0xdc00);
        else out.push(...Buffer.from(ch, 'utf8'));
      }
      return Buffer.from(out);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(reencode(decodeTargetBytes(Buffer.from(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }), { seed: 14, numRuns: 2000 });
  });
});

describe('the read script of ssh:// and docker:// run by /bin/sh', () => {
  it('reads regular files only, names every other type, refuses a file over the cap unread, and never blocks', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-read-script-'));
    writeFileSync(path.join(dir, 'plain'), 'KEY value\n');
    writeFileSync(path.join(dir, 'binary'), Buffer.from([0x00, 0xff, 0x1b, 0x0a]));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    execFileSync('truncate', ['-s', '2G', path.join(dir, 'sparse')]);
    writeFileSync(path.join(dir, 'just-over'), 'x'.repeat(1025));
    writeFileSync(path.join(dir, 'just-under'), 'x'.repeat(1024));
    symlinkSync('/dev/zero', path.join(dir, 'zero'));
    symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
    symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    const server = createServer();
    await new Promise<void>((r) => server.listen(path.join(dir, 'socket'), r));
    try {
      const names = ['plain', 'binary', 'fifo', 'sparse', 'just-over', 'just-under', 'zero', 'loop-a', 'dangling', 'socket', 'missing', ''].map((n) => path.join(dir, n));
      const r = spawnSync('timeout', ['-s', 'KILL', '20', '/bin/sh', '-c', readFilesScript(names, 1024)], { maxBuffer: 64 * 1024 });
      expect(r.status, r.stderr.toString()).toBe(0);
      const reads = new Map(parseReadFiles(r.stdout, 1024).map((x) => [x.path === dir ? 'dir' : path.basename(x.path), x]));
      const show = (n: string) => { const x = reads.get(n)!; return x.state === 'file' ? `file ${x.content.length}` : x.state === 'unreadable' ? `unreadable: ${x.reason}` : x.state; };
      expect(show('plain')).toBe('file 10');
      expect(show('binary')).toBe('file 4');
      expect(show('fifo')).toBe('unreadable: it is a FIFO (named pipe), not a regular file');
      expect(show('sparse')).toMatch(/^unreadable: too large to be a configuration file/);
      expect(show('just-over')).toMatch(/^unreadable: too large to be a configuration file/);
      expect(show('just-under')).toBe('file 1024');
      expect(show('zero')).toBe('unreadable: it is a character device, not a regular file');
      expect(show('loop-a')).toMatch(/^unreadable: a symbolic link loop/);
      expect(show('dangling')).toBe('missing');
      expect(show('socket')).toBe('unreadable: it is a socket, not a regular file');
      expect(show('missing')).toBe('missing');
      expect(show('dir')).toBe('directory');
    } finally {
      server.close();
    }
  }, 60_000);
});
