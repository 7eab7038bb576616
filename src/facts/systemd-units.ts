/**
 * systemd unit files and their enablement, read from the unit directories themselves (one walk of a few
 * small trees), so the answer is the same on a running host, in a container without systemd, and on an
 * offline root filesystem. A unit is enabled when a *.wants/ or *.requires/ directory under
 * /etc/systemd/system links to it, and masked when /etc/systemd/system/<unit> links to /dev/null.
 */
import { defineFact, type FactStore } from './store.js';
import type { WalkEntry } from '../targets/target.js';

export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

export interface UnitState {
  name: string;
  /** where the unit file is, first in systemd's search order */
  path: string | null;
  enabledBy: string[];
  masked: boolean;
}

export interface SystemdUnits {
  units: Map<string, UnitState>;
  state(name: string): UnitState;
}

export function classifyUnits(entries: WalkEntry[]): SystemdUnits {
  const units = new Map<string, UnitState>();
  const get = (name: string) => {
    let u = units.get(name);
    if (!u) { u = { name, path: null, enabledBy: [], masked: false }; units.set(name, u); }
    return u;
  };
  const rank = (p: string) => UNIT_DIRS.findIndex((d) => p.startsWith(`${d}/`));
  for (const e of entries) {
    const dir = UNIT_DIRS.find((d) => e.path.startsWith(`${d}/`));
    if (!dir) continue;
    const rel = e.path.slice(dir.length + 1);
    const parts = rel.split('/');
    const base = parts[parts.length - 1];
    if (!/\.(service|socket|timer|target|mount|path|automount|swap|slice|scope)$/.test(base)) continue;
    if (parts.length === 1) {
      const u = get(base);
      if (e.type === 'l' && e.linkTarget === '/dev/null') { if (dir === '/etc/systemd/system' || dir === '/run/systemd/system') u.masked = true; continue; }
      if (!u.path || rank(e.path) < rank(u.path)) u.path = e.path;
    } else if (parts.length === 2 && /\.(wants|requires)$/.test(parts[0]) && (dir === '/etc/systemd/system' || dir === '/run/systemd/system')) {
      // the link's name is the unit enabled (for templates, the instance); aliases resolve by target name too
      get(base).enabledBy.push(e.path);
      const targetName = e.linkTarget?.split('/').pop();
      if (targetName && targetName !== base) get(targetName).enabledBy.push(e.path);
    }
  }
  return { units, state: (name) => units.get(name) ?? { name, path: null, enabledBy: [], masked: false } };
}

export const systemdUnits = defineFact('systemd-units', async ({ target }) => {
  const entries: WalkEntry[] = [];
  await target.walk({ roots: UNIT_DIRS, maxDepth: 2 }, (e) => entries.push(e));
  return classifyUnits(entries);
});

/** Describe a unit's state for evidence. */
export function describeUnit(u: UnitState): string {
  if (u.masked) return `${u.name} is masked (linked to /dev/null)`;
  if (!u.path) return `${u.name}: no unit file`;
  return u.enabledBy.length ? `${u.name} (${u.path}) is enabled: ${u.enabledBy.join(', ')}` : `${u.name} (${u.path}) is not enabled`;
}

export type { FactStore };

/** The [Install] section of a unit file: what `systemctl enable` links the unit into. */
export interface UnitInstall { wantedBy: string[]; requiredBy: string[]; alias: string[]; also: string[] }

export function parseUnitInstall(text: string): UnitInstall {
  const out: UnitInstall = { wantedBy: [], requiredBy: [], alias: [], also: [] };
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1]; continue; }
    if (section !== 'Install') continue;
    const m = /^(WantedBy|RequiredBy|Alias|Also)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const values = m[2].split(/\s+/).filter(Boolean);
    // an empty assignment resets the list, as systemd does
    const list = { WantedBy: out.wantedBy, RequiredBy: out.requiredBy, Alias: out.alias, Also: out.also }[m[1] as 'WantedBy'];
    if (!values.length) list.length = 0;
    else list.push(...values);
  }
  return out;
}
