/**
 * Tailoring: named values a check reads instead of the benchmark's own default. Each is declared by the
 * step file that uses it, with a type and the benchmark's default; a policy may set it. An unknown name
 * or a value of the wrong type is refused when the policy is loaded.
 */
export type TailoringType = 'integer' | 'string' | 'string-list' | 'boolean';

export interface TailoringDecl {
  name: string;
  type: TailoringType;
  /** the benchmark's own value */
  default: number | string | string[] | boolean;
  description: string;
  /** items whose checks read it */
  items: string[];
}

const declared = new Map<string, TailoringDecl>();

export function declareTailoring(decl: TailoringDecl): TailoringDecl {
  const existing = declared.get(decl.name);
  if (existing && JSON.stringify(existing) !== JSON.stringify(decl)) {
    throw new Error(`tailoring "${decl.name}" is declared twice with different definitions`);
  }
  declared.set(decl.name, decl);
  return decl;
}

export function tailoringDeclarations(): TailoringDecl[] {
  return [...declared.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function tailoringDecl(name: string): TailoringDecl | undefined {
  return declared.get(name);
}

/** Why a value does not fit its declaration, or undefined when it does. */
export function typeProblem(decl: TailoringDecl, value: unknown): string | undefined {
  switch (decl.type) {
    case 'integer': return Number.isInteger(value) ? undefined : `"${decl.name}" must be an integer, got ${JSON.stringify(value)}`;
    case 'boolean': return typeof value === 'boolean' ? undefined : `"${decl.name}" must be true or false, got ${JSON.stringify(value)}`;
    case 'string': return typeof value === 'string' && value !== '' ? undefined : `"${decl.name}" must be a non-empty string, got ${JSON.stringify(value)}`;
    case 'string-list': return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `"${decl.name}" must be a list of strings, got ${JSON.stringify(value)}`;
  }
}
