/**
 * Chapter 2 Services on running containers of the Ubuntu 18.04 image: the parts only a running system
 * shows. 2.1.15 reads what listens on port 25 (python3, which the image has, plays the listening MTA);
 * 2.1.1.3 reads the user chronyd runs as (`chronyd -x` runs without setting the clock, so it starts in a
 * container; PID 1 here is `sleep`, which never reaps the parent chronyd leaves when it daemonises, so a
 * zombie chronyd stays in the process list). Time synchronisation belongs to the host: as a container
 * the 2.1.1.x items do not apply, so they are audited with containerAsHost. Each case gets its own container.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, item, statuses, text } from '../support/audit.js';
import { IMAGES, startContainer, type RunningContainer } from '../support/containers.js';
import { repoRoot } from '../support/fixtures.js';

const benchmark = 'cis-ubuntu-18.04-v2.1.0';
const HARDEN = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/20-services.sh'), 'utf8');
/** IPv6 on the loopback interface, which docker turns off in a container without an IPv6 network */
const WITH_IPV6 = ['--sysctl', 'net.ipv6.conf.all.disable_ipv6=0', '--sysctl', 'net.ipv6.conf.lo.disable_ipv6=0'];


async function withStock<T>(extraArgs: string[], setup: string | undefined, fn: (c: RunningContainer) => Promise<T>): Promise<T> {
  const c = startContainer(IMAGES.ubuntuStock, extraArgs);
  try {
    if (setup) c.exec(setup);
    return await fn(c);
  } finally {
    c.remove();
  }
}

/** Start python3 listening on TCP (family 4 or 6) address:port in the background; return once it listens. */
function listen(family: 4 | 6, address: string, port: number, v6only = true): string {
  const py = [
    'import socket, time',
    `s = socket.socket(socket.AF_INET${family === 6 ? '6' : ''})`,
    family === 6 ? `s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, ${v6only ? 1 : 0})` : '',
    `s.bind(("${address}", ${port}))`,
    's.listen(1)',
    `open("/tmp/listening-${port}-${family}", "w").close()`,
    'time.sleep(100000)',
  ].filter(Boolean).join('\n');
  const marker = `/tmp/listening-${port}-${family}`;
  return `(python3 -c '${py}' >/tmp/python-${port}-${family}.log 2>&1 &)\n`
    + `i=0; while [ ! -e ${marker} ]; do i=$((i+1)); [ $i -lt 100 ] || { cat /tmp/python-${port}-${family}.log; exit 1; }; sleep 0.1; done\n`;
}

/** Start chronyd without clock control (-x) and wait until the daemon's child runs. */
function startChronyd(options = ''): string {
  return `chronyd -x ${options}\n`
    + 'i=0; until for d in /proc/[0-9]*; do read -r c < "$d/comm" 2>/dev/null; [ "$c" = chronyd ] && grep -q "^State:[[:space:]]*[RS]" "$d/status" && echo "$d"; done | grep -q .; do '
    + 'i=$((i+1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done\n';
}

describe('2.1.15 on running containers: what listens on port 25', () => {
  const only = ['2.1.15', '2.3'];

  it('passes when nothing listens on port 25, and 2.3 lists no listening socket', async () => {
    await withStock([], undefined, async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only })).report;
      expect(item(r, '2.1.15').status, text(r, '2.1.15')).toBe('pass');
      expect(text(r, '2.1.15')).toMatch(/listening sockets \(\/proc\/net\/tcp, tcp6, udp, udp6\): no socket listens on port 25/);
      expect(item(r, '2.3').status).toBe('manual');
    });
  });

  it('fails when a process listens on 0.0.0.0:25, and 2.3 shows the process', async () => {
    await withStock([], listen(4, '0.0.0.0', 25), async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only })).report;
      expect(item(r, '2.1.15').status, text(r, '2.1.15')).toBe('fail');
      expect(item(r, '2.1.15').reason).toMatch(/^port 25 is open on tcp 0\.0\.0\.0:25 LISTEN uid 0 \(python3 pid \d+\)$/);
      expect(text(r, '2.1.15')).toMatch(/\/proc\/net\/tcp:\d+ tcp 0\.0\.0\.0:25 LISTEN/);
      expect(item(r, '2.3').status).toBe('manual');
      expect(text(r, '2.3')).toMatch(/listening sockets[^\n]*: tcp 0\.0\.0\.0:25 LISTEN uid 0 \(python3 pid \d+\)/);
      expect(text(r, '2.3')).toMatch(/enabled: [^\n]*rsync\.service/);
    });
  });

  it('passes when port 25 is open on 127.0.0.1 and ::1 only', async () => {
    await withStock(WITH_IPV6, listen(4, '127.0.0.1', 25) + listen(6, '::1', 25), async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only })).report;
      expect(item(r, '2.1.15').status, text(r, '2.1.15')).toBe('pass');
      expect(text(r, '2.1.15')).toMatch(/tcp 127\.0\.0\.1:25 LISTEN uid 0 \(python3 pid \d+\) \(loopback\)/);
      expect(text(r, '2.1.15')).toMatch(/tcp6 \[::1\]:25 LISTEN uid 0 \(python3 pid \d+\) \(loopback\)/);
    });
  });

  it('fails when port 25 is open on the IPv6 wildcard (which also takes IPv4)', async () => {
    await withStock(WITH_IPV6, listen(6, '::', 25, false), async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only })).report;
      expect(item(r, '2.1.15').status, text(r, '2.1.15')).toBe('fail');
      expect(item(r, '2.1.15').reason).toMatch(/port 25 is open on tcp6 \[::\]:25 LISTEN/);
    });
  });

  it('fails on the configuration even when nothing listens yet: postfix set to listen everywhere', async () => {
    const setup = [
      "printf 'Package: postfix\\nStatus: install ok installed\\nArchitecture: amd64\\nVersion: 3.3.0-1-test\\n\\n' >> /var/lib/dpkg/status",
      'mkdir -p /etc/postfix && printf "inet_interfaces = all\\n" > /etc/postfix/main.cf',
    ].join('\n');
    await withStock([], setup, async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only })).report;
      expect(item(r, '2.1.15').status).toBe('fail');
      expect(item(r, '2.1.15').reason).toMatch(/postfix is not local-only: \/etc\/postfix\/main\.cf:1 inet_interfaces = all/);
    });
  });
});

describe('2.1.1.x on running containers: chronyd', () => {
  const only = ['2.1.1'];

  it('as a container, time synchronisation belongs to the host', async () => {
    await withStock([], startChronyd(), async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only })).report;
      for (const id of ['2.1.1.1', '2.1.1.2', '2.1.1.3', '2.1.1.4']) {
        expect(item(r, id).status, id).toBe('not-applicable');
        expect(item(r, id).reason, id).toMatch(/^container: time synchronisation belongs to the host clock/);
      }
    });
  });

  it('as a host: passes when chronyd runs as _chrony (the zombie parent left by daemonising is ignored)', async () => {
    await withStock([], startChronyd(), async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only, containerAsHost: true })).report;
      expect(statuses(r)).toEqual({ '2.1.1.1': 'pass', '2.1.1.2': 'not-applicable', '2.1.1.3': 'pass', '2.1.1.4': 'not-applicable' });
      expect(text(r, '2.1.1.3')).toMatch(/chronyd processes \(\/proc\/\*\/status\): pid \d+ state Z \(exited, not yet reaped: ignored\) user root[^;]*; pid \d+ state S user _chrony \(real uid 104, effective uid 104\)/);
    });
  });

  it('as a host: fails when chronyd is started as root', async () => {
    await withStock([], startChronyd('-u root'), async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only, containerAsHost: true })).report;
      expect(item(r, '2.1.1.3').status, text(r, '2.1.1.3')).toBe('fail');
      expect(item(r, '2.1.1.3').reason).toMatch(/^chronyd runs as root \(pid \d+\), not _chrony$/);
    });
  });

  it('as a host: fails when chrony is installed but chronyd does not run', async () => {
    await withStock([], undefined, async (c) => {
      const r = (await audit({ target: c.uri, benchmark, only, containerAsHost: true })).report;
      expect(item(r, '2.1.1.3').status).toBe('fail');
      expect(item(r, '2.1.1.3').reason).toBe('chronyd is not running');
    });
  });
});

describe('the hardening script 20-services.sh on the stock image', () => {
  it('makes every automated item of chapter 2 that a container can pass pass', async () => {
    await withStock([], `${HARDEN}\n${startChronyd()}`, async (c) => {
      const asContainer = (await audit({ target: c.uri, benchmark, only: ['2.1', '2.2', '2.3'] })).report;
      const expected: Record<string, string> = {
        '2.1.1.1': 'not-applicable', '2.1.1.2': 'not-applicable', '2.1.1.3': 'not-applicable', '2.1.1.4': 'not-applicable',
        '2.1.2': 'pass', '2.1.3': 'pass', '2.1.4': 'pass', '2.1.5': 'pass', '2.1.6': 'pass', '2.1.7': 'pass', '2.1.8': 'pass', '2.1.9': 'pass',
        '2.1.10': 'pass', '2.1.11': 'pass', '2.1.12': 'pass', '2.1.13': 'pass', '2.1.14': 'pass', '2.1.15': 'pass', '2.1.16': 'pass', '2.1.17': 'pass',
        '2.2.1': 'pass', '2.2.2': 'pass', '2.2.3': 'pass', '2.2.4': 'pass', '2.2.5': 'pass', '2.2.6': 'pass', '2.3': 'manual',
      };
      expect(statuses(asContainer)).toEqual(expected);
      expect(text(asContainer, '2.3')).toMatch(/masked: systemd-timesyncd\.service/);
      expect(text(asContainer, '2.3')).not.toMatch(/rsync\.service/);

      // audited as a host, the time items apply: chrony is the daemon, configured and running as _chrony
      const asHost = (await audit({ target: c.uri, benchmark, only: ['2.1.1'], containerAsHost: true })).report;
      expect(statuses(asHost)).toEqual({ '2.1.1.1': 'pass', '2.1.1.2': 'not-applicable', '2.1.1.3': 'pass', '2.1.1.4': 'not-applicable' });
      expect(text(asHost, '2.1.1.3')).toMatch(/\/etc\/chrony\/chrony\.conf:\d+ user _chrony/);
    });
  });
});
