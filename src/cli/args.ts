/** Command-line parsing for the lab CLI (plain, no dependency; tested in tests/cli). */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  command: string | null;
  options: Map<string, string>;
  flags: Set<string>;
}

/** Options that take no value. */
export const FLAGS = new Set(['help', 'normalise-b-with-a', 'no-detector', 'no-knn', 'quiet']);

/** `cmd --key value --flag --key=value` -> command, options, flags. */
export function parseArgs(argv: string[]): ParsedArgs {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  let command: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (FLAGS.has(key)) {
        if (eq > 0) throw new UsageError(`--${key} takes no value`);
        flags.add(key);
        continue;
      }
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${key} needs a value`);
      options.set(key, value);
    } else if (command === null) {
      command = a;
    } else {
      throw new UsageError(`unexpected argument "${a}"`);
    }
  }
  return { command, options, flags };
}

export function numberOption(args: ParsedArgs, key: string, fallback: number, check: (v: number) => boolean = Number.isFinite): number {
  const s = args.options.get(key);
  if (s === undefined) return fallback;
  const v = Number(s);
  if (!check(v)) throw new UsageError(`--${key}: "${s}" is not a valid value`);
  return v;
}

export function listOption(args: ParsedArgs, key: string): string[] | undefined {
  const s = args.options.get(key);
  return s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

export function numberListOption(args: ParsedArgs, key: string, fallback: number[]): number[] {
  const l = listOption(args, key);
  if (!l) return fallback;
  return l.map((s) => {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new UsageError(`--${key}: "${s}" is not a number`);
    return v;
  });
}
