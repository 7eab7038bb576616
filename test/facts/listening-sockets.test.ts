/**
 * The socket table parser, on the real output of its command in an Ubuntu 18.04 container (python3 listening
 * on 0.0.0.0:25, [::]:25, 127.0.0.1:587, [::1]:2525 and udp 0.0.0.0:161, one connection to 587; chronyd
 * on udp 127.0.0.1:323 and [::1]:323, its sockets not visible to the container's root), and on malformed input.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeSocketAddress, describeSocket, isListening, isLoopbackAddress, listeningSockets, parseSocketTable, parseSocketTablesOutput,
} from '../../src/facts/listening-sockets.js';
import { CheckError } from '../../src/model/verdict.js';

const CONTAINER_OUTPUT = `@@table /proc/net/tcp
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 0100007F:024B 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 274085 2 00000000d422b15b 100 0 0 10 0                    
   1: 00000000:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 274083 1 0000000089399ee1 100 0 0 10 0                    
   2: 0100007F:C8A0 0100007F:024B 01 00000000:00000000 00:00000000 00000000     0        0 274088 1 000000001a9d3620 20 0 0 10 -1                    
   3: 0100007F:024B 0100007F:C8A0 01 00000000:00000000 00:00000000 00000000     0        0 0 1 00000000ac6d3bd3 20 0 0 10 -1                         
@@table /proc/net/tcp6
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:09DD 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 274086 1 00000000f8c8b849 100 0 0 10 0
   1: 00000000000000000000000000000000:0019 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 274084 1 0000000090bfd884 100 0 0 10 0
@@table /proc/net/udp
   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
15876: 00000000:00A1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 274087 2 000000000ffcbd31 0        
16038: 0100007F:0143 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 274064 2 00000000d00cbc12 0        
@@table /proc/net/udp6
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
16038: 00000000000000000000000001000000:0143 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 274065 2 000000005ad23939 0
@@fd
/proc/1/fd:
/proc/13/fd:
lrwx------ 1 root root 64 Nov 24 16:24 3 -> socket:[274083]
lrwx------ 1 root root 64 Nov 24 16:24 4 -> socket:[274084]
lrwx------ 1 root root 64 Nov 24 16:24 5 -> socket:[274085]
lrwx------ 1 root root 64 Nov 24 16:24 6 -> socket:[274086]
lrwx------ 1 root root 64 Nov 24 16:24 7 -> socket:[274087]
lrwx------ 1 root root 64 Nov 24 16:24 8 -> socket:[274088]
/proc/15/fd:
/proc/16/fd:
/proc/23/fd:
/proc/33/fd:
@@comm
1 sleep
13 python3
15 chronyd
16 chronyd
23 sh
`;

describe('parseSocketTablesOutput', () => {
  const tables = parseSocketTablesOutput(CONTAINER_OUTPUT);

  it('reads every entry of the four tables with its state, uid and inode', () => {
    expect(tables.sockets).toHaveLength(9);
    expect(tables.missingTables).toEqual([]);
    const smtp = tables.sockets.find((s) => s.proto === 'tcp' && s.family === 4 && s.localPort === 25)!;
    expect(smtp).toMatchObject({ localAddress: '0.0.0.0', state: 'LISTEN', uid: 0, inode: 274083, table: '/proc/net/tcp', line: 3,
      owners: [{ pid: 13, name: 'python3' }] });
    const connection = tables.sockets.find((s) => s.localPort === 0xc8a0)!;
    expect(connection).toMatchObject({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 587, state: 'ESTABLISHED' });
  });

  it('keeps the listening ones: TCP in LISTEN, UDP not connected', () => {
    expect(listeningSockets(tables).map(describeSocket)).toEqual([
      'tcp 127.0.0.1:587 LISTEN uid 0 (python3 pid 13)',
      'tcp 0.0.0.0:25 LISTEN uid 0 (python3 pid 13)',
      'tcp6 [::1]:2525 LISTEN uid 0 (python3 pid 13)',
      'tcp6 [::]:25 LISTEN uid 0 (python3 pid 13)',
      'udp 0.0.0.0:161 UNCONN uid 0 (python3 pid 13)',
      'udp 127.0.0.1:323 UNCONN uid 0 (process not visible)',
      'udp6 [::1]:323 UNCONN uid 0 (process not visible)',
    ]);
    expect(tables.sockets.filter((s) => !isListening(s)).map((s) => s.state)).toEqual(['ESTABLISHED', 'ESTABLISHED']);
  });

  it('accepts a kernel without IPv6 tables', () => {
    const out = '@@table /proc/net/tcp\n  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
      + '@@missing /proc/net/tcp6\n@@table /proc/net/udp\n   sl  local_address rem_address   st\n@@missing /proc/net/udp6\n@@fd\n@@comm\n1 init\n';
    const t = parseSocketTablesOutput(out);
    expect(t.sockets).toEqual([]);
    expect(t.missingTables).toEqual(['/proc/net/tcp6', '/proc/net/udp6']);
  });

  it('is an error when a table is unreadable, missing from the output, or the output is not the command\'s', () => {
    expect(() => parseSocketTablesOutput('@@unreadable /proc/net/tcp\n')).toThrow(/\/proc\/net\/tcp cannot be read/);
    expect(() => parseSocketTablesOutput('@@table /proc/net/tcp\n  sl  local_address\n@@fd\n@@comm\n')).toThrow(CheckError);
    expect(() => parseSocketTablesOutput('sh: 1: cannot fork\n')).toThrow(/unexpected output/);
    expect(() => parseSocketTablesOutput('@@missing /proc/net/tcp\n@@missing /proc/net/tcp6\n@@missing /proc/net/udp\n@@missing /proc/net/udp6\n'))
      .toThrow(/neither \/proc\/net\/tcp nor \/proc\/net\/tcp6/);
  });
});

describe('parseSocketTable', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  it('rejects a line that is not a socket entry, an unknown state, and a table without its header', () => {
    expect(() => parseSocketTable(`${header}   0: 0100007F:0019\n`, '/proc/net/tcp')).toThrow(/\/proc\/net\/tcp:2 is not a socket entry/);
    expect(() => parseSocketTable(`${header}   0: 0100007F:0019 00000000:0000 0F 00000000:00000000 00:00000000 00000000     0        0 1 1\n`, '/proc/net/tcp'))
      .toThrow(/unknown socket state 0F/);
    expect(() => parseSocketTable('   0: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n', '/proc/net/tcp'))
      .toThrow(/not the header/);
    expect(() => parseSocketTable(`${header}   0: 00000000000000000000000001000000:0019 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n`, '/proc/net/tcp'))
      .toThrow(/wrong family/);
  });
});

describe('addresses', () => {
  it('decodes little-endian IPv4 and IPv6 words, shortening zero runs and showing mapped IPv4', () => {
    expect(decodeSocketAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeSocketAddress('0A01A8C0')).toBe('192.168.1.10');
    expect(decodeSocketAddress('00000000000000000000000001000000')).toBe('::1');
    expect(decodeSocketAddress('00000000000000000000000000000000')).toBe('::');
    expect(decodeSocketAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeSocketAddress('B80D0120000000000000000001000000')).toBe('2001:db8::1');
    expect(() => decodeSocketAddress('0100')).toThrow(CheckError);
    expect(() => decodeSocketAddress('zz00007F')).toThrow(CheckError);
  });

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.0.1.1', '::1', '[::1]', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'localhost']) expect(isLoopbackAddress(a), a).toBe(false);
  });
});
