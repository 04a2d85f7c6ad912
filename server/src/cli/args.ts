import { LockstepError } from '../base/errors';

export type FlagKind = 'bool' | 'string' | 'list';
export interface FlagSpec {
  kind: FlagKind;
  short?: string;
}
export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  flags: Map<string, string | boolean | string[]>;
  positionals: string[];
}

/**
 * Parses `--name value`, `--name=value`, `-x value` and boolean flags; flags may stand anywhere, and
 * `--` ends them. Unknown flags are an error that names the flag.
 */
export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);
  const flags = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (arg.startsWith('-') && arg.length === 2 && arg !== '-') {
      name = byShort.get(arg[1]);
      if (!name) throw new LockstepError(`unknown flag: ${arg}`);
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = specs[name];
    if (!spec) throw new LockstepError(`unknown flag: --${name}`);
    if (spec.kind === 'bool') {
      flags.set(name, inline === undefined ? true : !['false', '0', 'no'].includes(inline));
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new LockstepError(`flag --${name} needs a value`);
      value = argv[++i];
    }
    if (spec.kind === 'list') {
      const list = (flags.get(name) as string[] | undefined) ?? [];
      list.push(value);
      flags.set(name, list);
    } else flags.set(name, value);
  }
  return { flags, positionals };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

export function flagList(args: ParsedArgs, name: string): string[] {
  const v = args.flags.get(name);
  return Array.isArray(v) ? v : [];
}

/**
 * Finds the command word: the first argument that is neither a global flag nor a global flag's value
 * (`lockstep -r REPO init`). Returns it and the other arguments.
 */
export function splitCommand(argv: readonly string[], globals: FlagSpecs): { command?: string; rest: string[] } {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(globals)) if (spec.short) byShort.set(spec.short, name);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    const name = arg.startsWith('--') ? arg.slice(2) : byShort.get(arg.slice(1));
    const spec = name === undefined || name.includes('=') ? undefined : globals[name];
    if (spec && spec.kind !== 'bool') i++;
  }
  return { rest: [...argv] };
}
