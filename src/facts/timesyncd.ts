/** systemd-timesyncd: timesyncd.conf and its drop-ins, in systemd's order. */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { orderSystemdDropins, parseSystemdIni, type IniSetting } from './systemd-conf.js';

export const TIMESYNCD_CONF = '/etc/systemd/timesyncd.conf';
/** drop-in directories in systemd's order; a file name in an earlier one hides the same name further down */
export const TIMESYNCD_DROPIN_DIRS = ['/etc/systemd/timesyncd.conf.d', '/run/systemd/timesyncd.conf.d', '/usr/local/lib/systemd/timesyncd.conf.d',
  '/usr/lib/systemd/timesyncd.conf.d', '/lib/systemd/timesyncd.conf.d'];
const TIMESYNCD_FILES = [TIMESYNCD_CONF, ...TIMESYNCD_DROPIN_DIRS.map((d) => `${d}/*.conf`)];

/** Order drop-ins as systemd does: by file name, the first directory holding a name wins. */
export function orderDropIns(paths: string[], dirs = TIMESYNCD_DROPIN_DIRS): string[] {
  return orderSystemdDropins(paths, dirs);
}

export interface ServerList {
  /** the servers in effect after every assignment (an empty assignment empties the list) */
  servers: string[];
  /** the assignments that built the list, in order */
  settings: IniSetting[];
}

export interface TimesyncdConfig {
  files: string[];
  ntp: ServerList;
  fallbackNtp: ServerList;
  /** other [Time] settings, last value wins (RootDistanceMaxSec, PollIntervalMinSec, ...) */
  other: Map<string, IniSetting>;
}

export function timesyncdSettings(settings: IniSetting[], files: string[]): TimesyncdConfig {
  const ntp: ServerList = { servers: [], settings: [] };
  const fallbackNtp: ServerList = { servers: [], settings: [] };
  const other = new Map<string, IniSetting>();
  for (const s of settings.filter((x) => x.section === 'Time')) {
    const list = s.key === 'NTP' ? ntp : s.key === 'FallbackNTP' ? fallbackNtp : null;
    if (!list) { other.set(s.key, s); continue; }
    list.settings.push(s);
    if (!s.value) list.servers = [];
    else list.servers.push(...s.value.split(/\s+/));
  }
  return { files, ntp, fallbackNtp, other };
}

export const timesyncdConfig = defineFact<TimesyncdConfig>('timesyncd-config', async ({ facts }) => {
  const reads = await facts.readMany(TIMESYNCD_FILES);
  const texts = new Map<string, string>();
  for (const r of reads) {
    if (r.state === 'file') texts.set(r.path, r.content.toString('utf8'));
    else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
  }
  const files = [...(texts.has(TIMESYNCD_CONF) ? [TIMESYNCD_CONF] : []), ...orderDropIns([...texts.keys()].filter((p) => p !== TIMESYNCD_CONF))];
  return timesyncdSettings(files.flatMap((f) => parseSystemdIni(texts.get(f)!, f)), files);
}, TIMESYNCD_FILES);
