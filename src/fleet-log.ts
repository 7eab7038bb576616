/**
 * Reports carried in pod logs. A node audit in Kubernetes prints its compliance.json to stdout between
 * two marker lines, gzip-compressed and base64-encoded in short lines, so that `kubectl logs` collects
 * every node's report without a shared volume; `cis-bdd merge` finds the blocks in such logs again.
 *
 *   ----- BEGIN CIS-BDD COMPLIANCE node=worker-1 bytes=183204 sha256=<hex of the JSON> -----
 *   H4sIAAAAAAAAA+y9... (76 characters a line)
 *   ----- END CIS-BDD COMPLIANCE node=worker-1 -----
 *
 * Whatever precedes a marker on its line (kubectl's --prefix or --timestamps) is ignored, and of every
 * line inside a block only the last word counts. The checksum catches a block that was cut short or
 * interleaved with another pod's log. No dependency beyond Node's own zlib and crypto.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

const BEGIN = '----- BEGIN CIS-BDD COMPLIANCE';
const END = '----- END CIS-BDD COMPLIANCE';
const LINE = 76;

/** The block a pod prints for one report (JSON text of compliance.json), ending with a newline. */
export function encodeLogBlock(json: string, node: string): string {
  const sha = createHash('sha256').update(json).digest('hex');
  const b64 = gzipSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64');
  const lines = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  const name = node.replace(/\s+/g, '_');
  return `${BEGIN} node=${name} bytes=${Buffer.byteLength(json)} sha256=${sha} -----\n${lines.join('\n')}\n${END} node=${name} -----\n`;
}

export interface LogBlock {
  /** 1-based line of the BEGIN marker in the log */
  line: number;
  node: string;
  json: string;
}

export interface LogBlockError { line: number; message: string }

/** Every block in a log, in order, and what is wrong with the blocks that cannot be read. */
export function decodeLogBlocks(log: string): { blocks: LogBlock[]; errors: LogBlockError[] } {
  const blocks: LogBlock[] = [];
  const errors: LogBlockError[] = [];
  const lines = log.split(/\r?\n/);
  let open: { line: number; attrs: Record<string, string>; words: string[] } | null = null;
  lines.forEach((text, i) => {
    const begin = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (begin >= 0) {
      if (open) errors.push({ line: open.line, message: 'a report block has no END marker before the next BEGIN' });
      open = { line: i + 1, attrs: attributes(text.slice(begin + BEGIN.length)), words: [] };
    } else if (end >= 0) {
      if (!open) { errors.push({ line: i + 1, message: 'an END marker without its BEGIN' }); return; }
      const b: { line: number; attrs: Record<string, string>; words: string[] } = open;
      open = null;
      try {
        const json = gunzipSync(Buffer.from(b.words.join(''), 'base64')).toString('utf8');
        const sha = createHash('sha256').update(json).digest('hex');
        if (sha !== b.attrs.sha256) throw new Error(`its checksum does not match (sha256 ${sha.slice(0, 12)}…, the marker says ${String(b.attrs.sha256).slice(0, 12)}…): cut short or mixed with another log`);
        blocks.push({ line: b.line, node: b.attrs.node ?? '', json });
      } catch (e) {
        const m = (e as Error).message;
        errors.push({ line: b.line, message: /checksum/.test(m) ? `the report block ${m}` : `the report block cannot be decoded (${m})` });
      }
    } else if (open) {
      const word = text.trim().split(/\s+/).pop() ?? '';
      if (word) open.words.push(word);
    }
  });
  if (open) errors.push({ line: (open as { line: number }).line, message: 'a report block has no END marker (the log ends inside it)' });
  return { blocks, errors };
}

function attributes(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of rest.matchAll(/([a-z0-9]+)=(\S+)/g)) out[m[1]] = m[2];
  return out;
}
