/**
 * What a PAM stack does when it runs, as Linux-PAM's dispatcher walks it: every result a module may
 * return leads to its rule's action (ok, done, bad, die, ignore, reset, or a jump over the next N rules);
 * `done` ends the stack only while nothing has failed yet, `die` ends it at once; a substack runs as one
 * rule whose done and die end the substack only, and whose result then meets the substack line's
 * control. In the password stack's second pass (the one that stores the password) a jump also counts
 * as a success, as PAM's cached chain does.
 *
 * The walk tries every result of every module (pam_permit only succeeds, pam_deny only fails), so "can
 * run" means "runs for some outcome of the modules before it": the safe reading for an audit.
 *
 * `checkedBeforeStore` answers what password checks need: on every way the stack can reach the module
 * that stores the new password (pam_unix), did the checking module (pam_pwquality) run and accept the
 * password? A check that rejects it and lets the stack go on protects nothing when the storing module
 * asks for the password again (no use_authtok): proven against the real pam_unix in
 * test/differential/pam.test.ts.
 */
import { actionFor, actionTable, moduleName } from './pam-parse.js';
import type { PamNode, PamStack, PamStackEntry } from './pam.js';

type Impression = 'undef' | 'good' | 'bad';
/** what the checking module said about the new password on the way so far */
export type CheckState = 'unchecked' | 'passed' | 'failed';
interface State { imp: Impression; q: CheckState }

/** The results a module may return, as the values a control names ("failure" stands for any failure). */
function resultsOf(entry: PamStackEntry, isChecker: boolean): string[] {
  const m = moduleName(entry.module);
  if (m === 'pam_permit.so') return ['success'];
  if (m === 'pam_deny.so') return failures(entry);
  if (isChecker || m === 'pam_unix.so') return ['success', ...failures(entry)];
  return ['success', 'ignore', ...failures(entry)];
}

/** Every failure value the rule's control names, and "default" for the others. */
function failures(entry: Pick<PamStackEntry, 'control' | 'actions'>): string[] {
  const named = Object.keys(actionTable(entry)).filter((v) => !['success', 'ignore', 'default', 'new_authtok_reqd'].includes(v));
  return [...new Set([...named, 'default'])];
}

export interface FlowVisit { entry: PamStackEntry; states: Set<CheckState> }

export interface PamFlow {
  /** the rules that can run, with what the checking module had said each time */
  visits: Map<PamStackEntry, FlowVisit>;
  /** true when the stack can end in success */
  canSucceed: boolean;
}

/**
 * Walk a stack; `checker` is the module whose verdict is followed (pam_pwquality.so for a new password),
 * by name or as a test of its rules (pam_faillock.so with preauth).
 */
export function pamFlow(stack: Pick<PamStack, 'nodes' | 'type'>, checker?: string | ((e: PamStackEntry) => boolean)): PamFlow {
  const checks = (e: PamStackEntry) => (typeof checker === 'function' ? checker(e) : checker !== undefined && moduleName(e.module) === checker);
  const visits = new Map<PamStackEntry, FlowVisit>();
  const visit = (entry: PamStackEntry, q: CheckState) => {
    const v = visits.get(entry) ?? { entry, states: new Set<CheckState>() };
    v.states.add(q);
    visits.set(entry, v);
  };
  const cachedChain = stack.type === 'password';

  const runList = (nodes: PamNode[], start: State): State[] => {
    const ends = new Map<string, State>();
    const seen = new Set<string>();
    const queue: Array<[number, State]> = [[0, start]];
    while (queue.length) {
      const [i, st] = queue.shift()!;
      const key = `${i}|${st.imp}|${st.q}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (i >= nodes.length) { ends.set(`${st.imp}|${st.q}`, st); continue; }
      const node = nodes[i];
      visit(node.entry, st.q);
      const outcomes: Array<{ value: string; q: CheckState }> = [];
      if (node.kind === 'rule') {
        const isChecker = checks(node.entry);
        for (const value of resultsOf(node.entry, isChecker)) {
          const q = !isChecker ? st.q : value === 'success' ? (st.q === 'failed' ? 'failed' : 'passed') : 'failed';
          outcomes.push({ value, q });
        }
      } else {
        for (const end of runList(node.nodes, { imp: 'undef', q: st.q })) {
          for (const value of end.imp === 'good' ? ['success'] : failures(node.entry)) outcomes.push({ value, q: end.q });
        }
      }
      const table = actionTable(node.entry);
      for (const { value, q } of outcomes) {
        const action = actionFor(table, value);
        let imp = st.imp;
        let next = i + 1;
        let end = false;
        if (action === 'ok' || action === 'done') {
          if (imp !== 'bad') imp = 'good';
          if (action === 'done' && imp === 'good') end = true;
        } else if (action === 'bad' || action === 'die') {
          imp = 'bad';
          if (action === 'die') end = true;
        } else if (action === 'reset') imp = 'undef';
        else if (/^\d+$/.test(action)) {
          if (cachedChain && imp !== 'bad') imp = 'good';
          next = i + 1 + Number(action);
        }
        if (end) ends.set(`${imp}|${q}`, { imp, q });
        else queue.push([Math.min(next, nodes.length), { imp, q }]);
      }
    }
    return [...ends.values()];
  };

  const ends = runList(stack.nodes, { imp: 'undef', q: 'unchecked' });
  return { visits, canSucceed: ends.some((e) => e.imp === 'good') };
}

/** The rules of a module that can run. */
export function runnableCalls(flow: PamFlow, module: string): PamStackEntry[] {
  return [...flow.visits.values()].filter((v) => moduleName(v.entry.module) === module).map((v) => v.entry);
}

/**
 * Ways a new password can reach the storing module without the checker's approval: it runs before the
 * checker (or without it), or after the checker rejected the password while it does not take the
 * checked password (no use_authtok) and so asks for one itself.
 */
export function uncheckedStores(flow: PamFlow, store: string): Array<{ entry: PamStackEntry; why: string }> {
  const out: Array<{ entry: PamStackEntry; why: string }> = [];
  for (const v of flow.visits.values()) {
    if (moduleName(v.entry.module) !== store) continue;
    if (v.states.has('unchecked')) out.push({ entry: v.entry, why: 'can run before the password is checked' });
    else if (v.states.has('failed') && !v.entry.args.includes('use_authtok')) {
      out.push({ entry: v.entry, why: 'runs on after the check rejected the password and, without use_authtok, asks for a new one and stores it unchecked' });
    }
  }
  return out;
}
