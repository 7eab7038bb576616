/** rsyslog's configuration: the fixture's files, includes, RainerScript objects, and what the checks derive from them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assembleRsyslog, fileCreateModes, loggingRules, networkInputs, parseRsyslogConf, remoteTargets,
} from '../../src/facts/rsyslog.js';
import { CheckError } from '../../src/model/verdict.js';
import { ubuntuBase } from '../support/fixtures.js';

const fixture = (p: string) => readFileSync(path.join(ubuntuBase, p), 'utf8');

/** A reader over an in-memory tree, matching a last-component * like the targets do. */
function reader(files: Record<string, string>) {
  return async (pattern: string) => {
    const dir = pattern.slice(0, pattern.lastIndexOf('/') + 1);
    const re = new RegExp(`^${pattern.slice(dir.length).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
    return Object.entries(files).filter(([p]) => p.startsWith(dir) && re.test(p.slice(dir.length)) && !p.slice(dir.length).includes('/'))
      .map(([p, text]) => ({ path: p, text }));
  };
}

describe('the fixture\'s rsyslog configuration', () => {
  const files = {
    '/etc/rsyslog.conf': fixture('etc/rsyslog.conf'),
    '/etc/rsyslog.d/20-ufw.conf': fixture('etc/rsyslog.d/20-ufw.conf'),
    '/etc/rsyslog.d/50-default.conf': fixture('etc/rsyslog.d/50-default.conf'),
  };

  it('expands $IncludeConfig where it stands', async () => {
    const cfg = await assembleRsyslog(reader(files));
    expect(cfg.files).toEqual(['/etc/rsyslog.conf', '/etc/rsyslog.d/20-ufw.conf', '/etc/rsyslog.d/50-default.conf']);
    expect(cfg.notIncluded).toEqual([]);
  });

  it('finds $FileCreateMode 0640, no forwarding and no network input', async () => {
    const cfg = await assembleRsyslog(reader(files));
    expect(fileCreateModes(cfg.statements)).toEqual([expect.objectContaining({ file: '/etc/rsyslog.conf', scope: 'default', value: '0640', mode: 0o640 })]);
    expect(remoteTargets(cfg.statements)).toEqual([]);
    expect(networkInputs(cfg.statements)).toEqual([]);
  });

  it('lists the logging rules, with the property filter of ufw and without commented lines', async () => {
    const rules = loggingRules((await assembleRsyslog(reader(files))).statements);
    expect(rules.map((r) => r.kind === 'rule' && r.selector)).toEqual([
      ':msg,contains,"[UFW "', 'auth,authpriv.*', '*.*;auth,authpriv.none', 'kern.*', 'mail.*', 'mail.err', '*.emerg',
    ]);
  });

  it('reads the module() lines with their trailing comments', () => {
    const stmts = parseRsyslogConf(files['/etc/rsyslog.conf'], '/etc/rsyslog.conf');
    expect(stmts.filter((s) => s.kind === 'object').map((s) => s.kind === 'object' && s.params.load)).toEqual(['imuxsock', 'imklog']);
  });
});

describe('parseRsyslogConf', () => {
  it('finds forwarding by @@host rules and by actions with a target, over several lines', () => {
    const stmts = parseRsyslogConf([
      '*.* @@loghost.example.com:514',
      'auth.* @192.0.2.1',
      '# *.* @@commented.example.com',
      'if $programname == "sshd" then action(type="omfwd"',
      '    target="central.example.com" port="6514"',
      '    protocol="tcp")',
      '*.info action(type="omfwd" Target="other.example.com")',
    ].join('\n'), '/etc/rsyslog.d/60-remote.conf');
    const t = remoteTargets(stmts);
    expect(t.map((x) => [x.line, x.target])).toEqual([[1, 'loghost.example.com:514'], [2, '192.0.2.1'], [4, 'central.example.com'], [7, 'other.example.com']]);
    expect(t[0].how).toBe('*.* to TCP');
    expect(t[1].how).toBe('auth.* to UDP');
    expect(t[2].how).toBe('action type omfwd over tcp');
  });

  it('finds file creation modes: the legacy default, the omfile module default and one action\'s own', () => {
    const stmts = parseRsyslogConf([
      '$FileCreateMode 0600',
      'module(load="builtin:omfile" fileCreateMode="0640")',
      'action(type="omfile" file="/var/log/x.log" FileCreateMode="0644")',
    ].join('\n'), 'f');
    expect(fileCreateModes(stmts).map((m) => [m.scope, m.mode.toString(8)])).toEqual([['default', '600'], ['default', '640'], ['action', '644']]);
  });

  it('rejects a mode that is not octal, and an object never closed', () => {
    expect(() => fileCreateModes(parseRsyslogConf('$FileCreateMode 640x\n', 'f'))).toThrow(CheckError);
    expect(() => parseRsyslogConf('action(type="omfwd"\n target="x"\n', 'f')).toThrow(/never closed/);
  });

  it('finds network inputs in both syntaxes, ignoring block comments', () => {
    const stmts = parseRsyslogConf([
      '$ModLoad imtcp',
      '$InputTCPServerRun 514',
      '/* module(load="imudp")',
      '   input(type="imudp" port="514") */',
      'module(load="imrelp")',
      'input(type="imrelp" port="2514")',
      '$ModLoad imuxsock',
    ].join('\n'), 'f');
    expect(networkInputs(stmts).map((s) => s.line)).toEqual([1, 2, 5, 6]);
  });
});

describe('assembleRsyslog', () => {
  it('follows include() and reads rsyslog.d files no include named, after the others', async () => {
    const cfg = await assembleRsyslog(reader({
      '/etc/rsyslog.conf': 'include(file="/etc/rsyslog.local/*.conf")\n$FileCreateMode 0640\n',
      '/etc/rsyslog.local/a.conf': '*.* @@loghost\n',
      '/etc/rsyslog.d/b.conf': '$FileCreateMode 0644\n',
    }));
    expect(cfg.files).toEqual(['/etc/rsyslog.conf', '/etc/rsyslog.local/a.conf', '/etc/rsyslog.d/b.conf']);
    expect(cfg.notIncluded).toEqual(['/etc/rsyslog.d/b.conf']);
    expect(fileCreateModes(cfg.statements).map((m) => m.value)).toEqual(['0640', '0644']);
  });

  it('reads an included directory with its subdirectories, and never a file already on the stack to read (as rsyslogd 8.32)', async () => {
    const files = {
      '/etc/rsyslog.conf': '$FileCreateMode 0400\n$IncludeConfig /etc/rsyslog.d/\n$IncludeConfig /etc/rsyslog.d/a.conf\n',
      '/etc/rsyslog.d/a.conf': '$FileCreateMode 0401\n$IncludeConfig /etc/rsyslog.d/sub/*.conf\n$IncludeConfig /etc/rsyslog.conf\n',
      '/etc/rsyslog.d/sub/x.conf': '$FileCreateMode 0402\n',
    };
    const read = reader(files);
    const cfg = await assembleRsyslog(async (pattern) => {
      const out: Array<{ path: string; text: string } | { path: string; directory: true }> = await read(pattern);
      if (pattern === '/etc/rsyslog.d/*') out.push({ path: '/etc/rsyslog.d/sub', directory: true });
      return out;
    });
    // the sequence rsyslogd -N1 -d of the Ubuntu fixture logs for these files. sub/x.conf is queued by the
    // directory include when a.conf asks for it: rsyslog ignores that include;
    // a.conf, read and done, is read again by the last include (and x.conf, no longer queued, with it)
    expect(fileCreateModes(cfg.statements).map((m) => m.value)).toEqual(['0400', '0401', '0402', '0401', '0402']);
    expect(cfg.files).toEqual(['/etc/rsyslog.conf', '/etc/rsyslog.d/a.conf', '/etc/rsyslog.d/sub/x.conf']);
  });

  it('says when there is no rsyslog.conf', async () => {
    expect(await assembleRsyslog(reader({}))).toMatchObject({ exists: false, statements: [] });
  });
});
