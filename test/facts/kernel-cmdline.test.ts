/** The kernel lines of GRUB's generated grub.cfg. */
import { describe, expect, it } from 'vitest';
import { kernelParam, parseGrubKernelLines } from '../../src/facts/kernel-cmdline.js';

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
