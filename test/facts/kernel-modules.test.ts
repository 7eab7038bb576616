/** modprobe.d as kmod reads it: directories, hiding by name, first matching install line, aliases, malformed lines. */
import { describe, expect, it } from 'vitest';
import { modprobeFromFiles, moduleName, parseModprobeConf } from '../../src/facts/kernel-modules.js';
import { globMatch as fnmatch } from '../../src/model/glob.js';

const cfg = (files: Record<string, string>) => modprobeFromFiles(Object.entries(files).map(([path, text]) => ({ path, text })));

describe('modprobe.d files', () => {
  it('reads /etc, /run and /lib/modprobe.d in name order; /usr/lib/modprobe.d is not read by kmod 24', () => {
    const c = cfg({
      '/lib/modprobe.d/b.conf': 'install hfs /bin/true\n',
      '/etc/modprobe.d/c.conf': 'install udf /bin/true\n',
      '/run/modprobe.d/a.conf': 'install jffs2 /bin/true\n',
      '/usr/lib/modprobe.d/0.conf': 'install cramfs /bin/true\n',
      '/etc/modprobe.d/old.conf.bak': 'install freevxfs /bin/true\n',
    });
    expect(c.files).toEqual(['/run/modprobe.d/a.conf', '/lib/modprobe.d/b.conf', '/etc/modprobe.d/c.conf']);
    expect(c.install('cramfs')).toBeUndefined();
    expect(c.install('freevxfs')).toBeUndefined();
  });

  it('an /etc file hides the file of the same name in /run and /lib', () => {
    const c = cfg({ '/lib/modprobe.d/cis.conf': 'install cramfs /bin/true\n', '/etc/modprobe.d/cis.conf': '# local\n' });
    expect(c.install('cramfs')).toBeUndefined();
  });
});

describe('install lines', () => {
  it('takes the first matching line, patterns included; without the module file the first line of its exact name', () => {
    const c = cfg({ '/etc/modprobe.d/a.conf': 'install cram* /bin/true\ninstall cramfs /bin/sh\ninstall cramfs /bin/false\n' });
    const [t] = c.resolve('cramfs').targets;
    expect(t.install).toMatchObject({ command: '/bin/true', line: 1 });
    expect(t.installByName).toMatchObject({ command: '/bin/sh', line: 2 });
  });

  it('ignores an install line without a command and keywords in another case; joins continuation lines', () => {
    const d = parseModprobeConf('install freevxfs\nInstall hfs /bin/true\n  install\tudf \\\n/bin/true\n# install jffs2 /bin/true\n', 'f');
    expect(d).toEqual([{ kind: 'install', module: 'udf', command: '/bin/true', file: 'f', line: 3 }]);
  });

  it('compares dashes and underscores alike, but not inside a [...] pattern', () => {
    expect(moduleName('usb-storage')).toBe('usb_storage');
    expect(moduleName('a[-_]b-c')).toBe('a[-_]b_c');
    expect(cfg({ '/etc/modprobe.d/a.conf': 'install usb-storage /bin/true\n' }).install('usb_storage')).toMatchObject({ command: '/bin/true' });
  });

  it('matches shell wildcards as fnmatch does', () => {
    expect(fnmatch('hfs*', 'hfsplus')).toBe(true);
    expect(fnmatch('cram?fs', 'cram_fs')).toBe(true);
    expect(fnmatch('[hj]*', 'jffs2')).toBe(true);
    expect(fnmatch('[!h]*', 'hfs')).toBe(false);
    expect(fnmatch('udf', 'udf2')).toBe(false);
    expect(fnmatch('a.b', 'axb')).toBe(false);
  });
});

describe('aliases and blacklists', () => {
  it('an alias sends the name to another module: the install line for the name no longer applies', () => {
    const c = cfg({ '/etc/modprobe.d/a.conf': 'install cramfs /bin/true\nalias cram* squashfs\ninstall squashfs /bin/false\n' });
    const r = c.resolve('cramfs');
    expect(r.aliases).toHaveLength(1);
    expect(r.targets).toMatchObject([{ module: 'squashfs', install: { command: '/bin/false' } }]);
    expect(c.install('cramfs')).toBeUndefined();
  });

  it('a blacklist line is read, and is no install line', () => {
    const c = cfg({ '/etc/modprobe.d/a.conf': 'blacklist udf\n' });
    expect(c.blacklisted('udf')).toMatchObject({ line: 1 });
    expect(c.install('udf')).toBeUndefined();
  });
});
