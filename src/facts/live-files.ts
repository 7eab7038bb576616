/** Files that describe a running system (/proc, /sys): they exist only on live targets. */
import { NeedsLiveSystem } from '../model/verdict.js';
import type { FactStore } from './store.js';

export async function liveText(facts: FactStore, path: string, what: string): Promise<string | null> {
  if (!facts.target.isLive) throw new NeedsLiveSystem(what, facts.target.notLiveReason);
  return facts.text(path);
}
