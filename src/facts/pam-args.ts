/**
 * Module arguments with each module's own precedence, as the real modules of Ubuntu 18.04 apply them
 * (test/differential/pam.test.ts changes passwords through generated stacks and reads /etc/shadow):
 * - pam_unix: the hashing options md5, bigcrypt, sha256, sha512 and blowfish cancel each other, so the
 *   last one on the line wins; options are matched by their start ("sha512x" is sha512) and case.
 *   Without one, Debian's pam_unix takes ENCRYPT_METHOD from /etc/login.defs (its first occurrence, any
 *   case), and DES crypt when that is missing or unknown. glibc's crypt has no bcrypt: blowfish falls
 *   back to MD5.
 * - pam_pwquality: its arguments override pwquality.conf; names without case, the last valid one wins,
 *   an argument with a value the library refuses is skipped.
 */
import { defineFact } from './store.js';
import { pwqualityValue, type PwqualityRead } from './pwquality.js';

export const HASHING_OPTIONS = ['md5', 'bigcrypt', 'sha256', 'sha512', 'blowfish'] as const;
export type HashingMethod = (typeof HASHING_OPTIONS)[number] | 'des';

/** What /etc/shadow then holds: the crypt prefix ("$6$"), or "des" / "bigcrypt" for the old forms. */
export const STORED_AS: Record<HashingMethod, string> = {
  sha512: '$6$', sha256: '$5$', md5: '$1$', blowfish: '$1$', bigcrypt: 'bigcrypt', des: 'des',
};

export interface EncryptMethod { value: string; line: number }

/** ENCRYPT_METHOD as pam_unix reads /etc/login.defs: the first line naming it, key and value in any case, "=" allowed. */
export function encryptMethodOf(loginDefs: string | null): EncryptMethod | undefined {
  if (loginDefs === null) return undefined;
  const lines = loginDefs.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*ENCRYPT_METHOD(?:\s*=\s*|\s+)(\S*)/i.exec(lines[i]);
    if (m) return { value: m[1], line: i + 1 };
  }
  return undefined;
}

/** ENCRYPT_METHOD of /etc/login.defs as pam_unix reads it (undefined: not set, or no login.defs). */
export const loginDefsEncryptMethod = defineFact<EncryptMethod | undefined>('login-defs-encrypt-method', async ({ facts }) =>
  encryptMethodOf(await facts.text('/etc/login.defs')), ['/etc/login.defs']);

export interface PamUnixHashing {
  method: HashingMethod;
  /** the argument that decided, or undefined when none did */
  option?: string;
  from: 'argument' | 'login.defs' | 'default';
  stored: string;
  /** in words, for evidence */
  says: string;
}

export function pamUnixHashing(args: string[], encrypt?: EncryptMethod): PamUnixHashing {
  let option: string | undefined;
  let method: HashingMethod | undefined;
  for (const a of args) {
    const m = HASHING_OPTIONS.find((h) => a.startsWith(h));
    if (m) { method = m; option = a; }
  }
  if (method) {
    const earlier = args.filter((a) => a !== option && HASHING_OPTIONS.some((h) => a.startsWith(h)));
    return { method, option, from: 'argument', stored: STORED_AS[method], says: `${option}${earlier.length ? ` (the last hashing option; ${earlier.join(', ')} before it do not count)` : ''}${method === 'blowfish' ? ', which this crypt lacks: MD5 is stored' : ''}` };
  }
  if (encrypt) {
    const v = encrypt.value.toLowerCase();
    const fromDefs: HashingMethod = v === 'sha512' ? 'sha512' : v === 'sha256' ? 'sha256' : v === 'md5' ? 'md5' : v === 'blowfish' ? 'blowfish' : 'des';
    return { method: fromDefs, from: 'login.defs', stored: STORED_AS[fromDefs], says: `no hashing option: ENCRYPT_METHOD ${encrypt.value} from /etc/login.defs:${encrypt.line}` };
  }
  return { method: 'des', from: 'default', stored: STORED_AS.des, says: 'no hashing option and no ENCRYPT_METHOD in /etc/login.defs: DES crypt' };
}

/** The value of one pam_pwquality setting: its last valid argument, else the files, else the library's default. */
export interface QualitySetting { value: number | string; from: 'argument' | 'file' | 'default'; argument?: string; file?: string; line?: number }

/** Arguments pam_pwquality handles itself rather than passing to the library. */
const MODULE_OWN = /^(debug|type=|retry=|enforce_for_root|local_users_only|difignore=|authtok_type|use_authtok)/;

export function pwqualitySetting(args: string[], read: PwqualityRead, name: string, defaults: Record<string, number>): QualitySetting {
  let found: QualitySetting | undefined;
  for (const a of args) {
    if (MODULE_OWN.test(a)) continue;
    const eq = a.indexOf('=');
    if (eq < 0 || a.slice(0, eq).toLowerCase() !== name) continue;
    const v = pwqualityValue(name, a.slice(eq + 1));
    if (!('error' in v)) found = { value: v.value, from: 'argument', argument: a };
  }
  if (found) return found;
  const s = read.settings.get(name);
  if (s) return { value: /^-?\d+$/.test(s.value) ? Number(s.value) : s.value, from: 'file', file: s.file, line: s.line };
  return { value: defaults[name], from: 'default' };
}
