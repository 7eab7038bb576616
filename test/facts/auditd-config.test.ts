/** auditd.conf: the fixture's file, the last line winning, malformed lines. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAuditdConf } from '../../src/facts/auditd-config.js';
import { CheckError } from '../../src/model/verdict.js';
import { ubuntuBase } from '../support/fixtures.js';

describe('parseAuditdConf', () => {
  it('reads the fixture\'s stock auditd.conf with lines', () => {
    const cfg = parseAuditdConf(readFileSync(path.join(ubuntuBase, 'etc/audit/auditd.conf'), 'utf8'));
    expect(cfg.settings.get('max_log_file')).toMatchObject({ value: '8', line: 12 });
    expect(cfg.settings.get('max_log_file_action')).toMatchObject({ value: 'ROTATE', line: 19 });
    expect(cfg.settings.get('space_left_action')?.value).toBe('SYSLOG');
    expect(cfg.settings.get('action_mail_acct')?.value).toBe('root');
    expect(cfg.settings.get('admin_space_left_action')?.value).toBe('SUSPEND');
  });

  it('keeps the last value of a keyword given twice, and reads keywords without regard to case', () => {
    const cfg = parseAuditdConf('# x\nmax_log_file_action = keep_logs\n\nMAX_LOG_FILE_ACTION=rotate\n');
    expect(cfg.settings.get('max_log_file_action')).toMatchObject({ keyword: 'MAX_LOG_FILE_ACTION', value: 'rotate', line: 4 });
    expect(cfg.lines).toHaveLength(2);
  });

  it('rejects a line that is not "keyword = value"', () => {
    expect(() => parseAuditdConf('max_log_file 8\n')).toThrow(CheckError);
    expect(() => parseAuditdConf('log_file = /x\nmax_log_file 8\n')).toThrow(/auditd\.conf:2 is not a "keyword = value" line/);
  });
});
