/** Parameter types shared by every step file, so one phrase means one thing everywhere. */
import { defineParameterType } from '@cucumber/cucumber';

/** An octal permission mode such as 0644 or 600. */
defineParameterType({ name: 'mode', regexp: /0?[0-7]{3,4}/, transformer: (s: string) => parseInt(s, 8) });

/** Allowed owners, "user:group" alternatives joined by "or": root:root or root:shadow */
defineParameterType({
  name: 'owners',
  regexp: /[a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*(?: or [a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*)*/,
  transformer: (s: string) => s.split(' or ').map((o) => { const [user, group] = o.split(':'); return { user, group }; }),
});

/** A comma-separated list of quoted words: "a", "b" and "c" */
defineParameterType({
  name: 'words',
  regexp: /"[^"]*"(?:(?:, | and | or )"[^"]*")*/,
  transformer: (s: string) => [...s.matchAll(/"([^"]*)"/g)].map((m) => m[1]),
});

export interface Owner { user: string; group: string }

export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
