/**
 * The OpenPGP keys RPM trusts to verify packages: the keys imported into the RPM database (the
 * `gpg-pubkey-<key id>-<created>` entries `rpm --import` makes), and the key files the distribution ships
 * in /etc/pki/rpm-gpg, which repositories name with `gpgkey=file:///etc/pki/rpm-gpg/...` and yum imports
 * on first use. Each key is kept as its public identity only: key id, creation date, fingerprint and user
 * ids, never the key material.
 *
 * The database is queried with rpm: on the target where commands run, or, for an offline root
 * filesystem, by the auditing machine's rpm reading the tree's database (--root), as ./packages.ts does.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact, type FactStore } from './store.js';
import { dearmor, parseKeyring, type PublicKeyId } from './apt-keys.js';

export const RPM_GPG_DIR = '/etc/pki/rpm-gpg';
const KEY_GLOB = `${RPM_GPG_DIR}/*`;
export const GPG_PUBKEY_QUERY_FORMAT = '%{NAME}-%{VERSION}-%{RELEASE}\\t%{SUMMARY}\\n';

export interface ImportedKey {
  /** gpg-pubkey-<version>-<release> */
  entry: string;
  /** the short key id (the entry's version) */
  keyId: string;
  /** the key's creation date, from the entry's release (seconds since the epoch, in hex) */
  created: string;
  /** the user id rpm records as the entry's summary: gpg(Name <address>) */
  summary: string;
}

export interface KeyFile { path: string; keys: PublicKeyId[] }

export interface RpmTrustedKeys {
  /** how the database was queried */
  source: string;
  imported: ImportedKey[];
  keyFiles: KeyFile[];
}

/** Parse `rpm -qa 'gpg-pubkey*' --qf '%{NAME}-%{VERSION}-%{RELEASE}\t%{SUMMARY}\n'`. */
export function parseImportedKeys(text: string): ImportedKey[] {
  const out: ImportedKey[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    const m = /^(gpg-pubkey-([0-9a-f]+)-([0-9a-f]+))\t(.*)$/i.exec(l);
    if (!m) throw new CheckError(`rpm -qa gpg-pubkey line ${i + 1} is not "gpg-pubkey-<key id>-<created><TAB>summary": ${l.slice(0, 80)}`);
    const seconds = parseInt(m[3], 16);
    out.push({ entry: m[1], keyId: m[2].toLowerCase(), created: new Date(seconds * 1000).toISOString().slice(0, 10), summary: m[4].trim() });
  });
  return out;
}

/** Every armoured public key block of a file (a file may hold several), reduced to public identities. */
export function parseArmouredKeys(text: string, source: string): PublicKeyId[] {
  const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g);
  if (!blocks) {
    // a binary key file
    const data = Buffer.from(text, 'latin1');
    if (!data.length) return [];
    return parseKeyring(data, source);
  }
  return blocks.flatMap((b) => parseKeyring(dearmor(b, source), source));
}

async function queryImported(facts: FactStore): Promise<{ source: string; text: string }> {
  const target = facts.target;
  const pattern = "'gpg-pubkey*'";
  if (target.canExecute) {
    const cmd = `rpm -qa ${pattern} --qf '${GPG_PUBKEY_QUERY_FORMAT}'`;
    const r = await facts.fileCommand('keys imported into the RPM database', `${cmd} 2>&1`);
    if (r.exitCode !== 0) throw new CheckError(`${cmd} failed (exit ${r.exitCode}): ${r.stdout.toString().trim().split('\n')[0]}`);
    return { source: cmd, text: r.stdout.toString('utf8') };
  }
  if (!target.hostRoot) throw new CheckError('the RPM database of this target cannot be read');
  const { execFile } = await import('node:child_process');
  const args = ['--root', target.hostRoot, '--dbpath', '/var/lib/rpm', '-qa', 'gpg-pubkey*', '--qf', GPG_PUBKEY_QUERY_FORMAT.replace(/\\t/g, '\t').replace(/\\n/g, '\n')];
  target.counters.roundTrips++;
  const text = await new Promise<string>((resolve, reject) => {
    execFile('rpm', args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new CheckError('reading an RPM database offline needs rpm on the auditing machine (apt-get install rpm)'));
      else if (err) reject(new CheckError(`rpm --root ${target.hostRoot} -qa gpg-pubkey* failed: ${stderr.trim().split('\n').filter((l) => !/bdb_ro/.test(l))[0] ?? err.message}`));
      else resolve(stdout);
    });
  });
  return { source: `rpm --root ${target.hostRoot} --dbpath /var/lib/rpm -qa 'gpg-pubkey*' (the tree's RPM database, read on the auditing machine)`, text };
}

export const rpmTrustedKeys = defineFact<RpmTrustedKeys>('rpm-trusted-keys', async ({ facts }) => {
  const q = await queryImported(facts);
  const keyFiles: KeyFile[] = [];
  for (const r of await facts.readMany([KEY_GLOB])) {
    if (r.path === KEY_GLOB || r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    keyFiles.push({ path: r.path, keys: parseArmouredKeys(r.content.toString('latin1'), r.path) });
  }
  keyFiles.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { source: q.source, imported: parseImportedKeys(q.text), keyFiles };
}, [KEY_GLOB]);

export function describeImportedKey(k: ImportedKey): string {
  return `${k.entry} (key id ${k.keyId}, created ${k.created}): ${k.summary}`;
}
