/** The kernel lines of GRUB's generated grub.cfg. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { grubCfgMatches, grubRegenerateCommand, kernelParam, parseGrubKernelLines } from '../../src/facts/kernel-cmdline.js';

const acl2Files = path.resolve(__dirname, '../../containers/acl2/files');

// the shape update-grub writes on Ubuntu 18.04 (a menu entry and a recovery entry)
const GRUB_CFG = `menuentry 'Ubuntu' --class ubuntu --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-3f2a' {
	recordfail
	load_video
	gfxmode $linux_gfx_mode
	insmod gzio
	linux	/boot/vmlinuz-4.15.0-20-generic root=UUID=3f2a ro  quiet splash audit=1 $vt_handoff
	initrd	/boot/initrd.img-4.15.0-20-generic
}
submenu 'Advanced options for Ubuntu' $menuentry_id_option 'gnulinux-advanced-3f2a' {
	menuentry 'Ubuntu, with Linux 4.15.0-20-generic (recovery mode)' --class ubuntu {
		echo	'Loading Linux 4.15.0-20-generic ...'
		linux	/boot/vmlinuz-4.15.0-20-generic root=UUID=3f2a ro recovery nomodeset audit=0 audit=1 audit_backlog_limit="8192"
	}
}
`;

describe('parseGrubKernelLines', () => {
  it('finds every linux line with its parameters, not the echo lines', () => {
    const entries = parseGrubKernelLines(GRUB_CFG);
    expect(entries.map((e) => e.line)).toEqual([6, 12]);
    expect(entries[0]).toMatchObject({ image: '/boot/vmlinuz-4.15.0-20-generic', file: '/boot/grub/grub.cfg' });
    expect(entries[0].params).toContain('audit=1');
  });

  it('takes the last value of a parameter given twice, drops GRUB quotes, and says when it is absent', () => {
    const [normal, recovery] = parseGrubKernelLines(GRUB_CFG);
    expect(kernelParam(recovery, 'audit')).toBe('1');
    expect(kernelParam(recovery, 'audit_backlog_limit')).toBe('8192');
    expect(kernelParam(normal, 'audit_backlog_limit')).toBeUndefined();
    expect(kernelParam(recovery, 'nomodeset')).toBe('');
  });

  it('reads linux16 and linuxefi lines too, and a file without linux lines as none', () => {
    expect(parseGrubKernelLines('linux16 /vmlinuz audit=1\nlinuxefi /vmlinuz ro\n').map((e) => e.image)).toEqual(['/vmlinuz', '/vmlinuz']);
    expect(parseGrubKernelLines('set timeout=5\n# linux /vmlinuz\n')).toEqual([]);
  });
});

describe('GRUB 2 on the RPM family', () => {
  it('reads the ACL2 stock grub2.cfg: one linux16 entry, without audit=1', () => {
    const entries = parseGrubKernelLines(readFileSync(path.join(acl2Files, 'boot/grub2/grub.cfg'), 'utf8'), '/boot/grub2/grub.cfg');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ file: '/boot/grub2/grub.cfg', line: 95, image: '/boot/vmlinuz-4.19.91-27.7.al7.x86_64' });
    expect(kernelParam(entries[0], 'audit')).toBeUndefined();
    expect(kernelParam(entries[0], 'console')).toBe('ttyS0,115200n8');
  });

  it('matches a location with * as one path component', () => {
    expect(grubCfgMatches('/boot/efi/EFI/*/grub.cfg', '/boot/efi/EFI/alinux/grub.cfg')).toBe(true);
    expect(grubCfgMatches('/boot/efi/EFI/*/grub.cfg', '/boot/efi/EFI/a/b/grub.cfg')).toBe(false);
    expect(grubCfgMatches('/boot/grub2/grub.cfg', '/boot/grub2/grub.cfg')).toBe(true);
    expect(grubCfgMatches('/boot/grub2/grub.cfg', '/boot/grub/grub.cfg')).toBe(false);
  });

  it('names the generator that rewrites each file', () => {
    expect(grubRegenerateCommand('/boot/grub/grub.cfg')).toBe('update-grub');
    expect(grubRegenerateCommand('/boot/grub2/grub.cfg')).toBe('grub2-mkconfig -o /boot/grub2/grub.cfg');
    expect(grubRegenerateCommand('/boot/efi/EFI/alinux/grub.cfg')).toBe('grub2-mkconfig -o /boot/efi/EFI/alinux/grub.cfg');
  });
});
