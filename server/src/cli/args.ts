// The command line as restic's flag library reads it, extended rather than replaced by node:util's parseArgs: that
// one (Node 20) refuses a value that starts with a dash after a flag (`forget --keep-last -1`, `--exclude -x`),
// refuses `--json=false`, reads `-r=REPO` as the repository "=REPO", and its errors are several sentences
// naming Node's own error codes; working around each of these is most of a parser anyway.
import { LockstepError } from '../base/errors';

/** `count`: a switch that may be repeated (`-vv`) or given a number (`--verbose=2`). */
/** A command line restic's flag library refuses: printed as it is, without "Fatal: " (exit 1). */
export class UsageError extends LockstepError {}

export type FlagKind = 'bool' | 'string' | 'list' | 'count';
export interface FlagSpec {
  kind: FlagKind;
  short?: string;
  /** For help: what the flag does, and its default where it has one. */
  description?: string;
  default?: string;
}
export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  flags: Map<string, string | boolean | string[] | number>;
  positionals: string[];
}

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no'];

/** A flag as one argument spells it: its long name and a value written into the same argument, if any. */
interface Written {
  name: string;
  inline?: string;
}

function shortNames(specs: FlagSpecs): Map<string, string> {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);
  return byShort;
}

/**
 * The flags of one argument that starts with a dash: `--name`, `--name=value`, or a group of short flags in which
 * every flag but a value-taking one is a switch, and a value-taking one ends the group and takes the rest of it
 * (`-qv`, `-rREPO`, `-r=REPO`, `-qr REPO`). Stops at the first name `specs` does not know, and returns it as
 * `unknown` (spelled as written).
 */
function readWord(arg: string, specs: FlagSpecs, byShort: Map<string, string>): { flags: Written[]; unknown?: string } {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!specs[name]) return { flags: [], unknown: `--${name}` };
    return { flags: [{ name, inline: eq >= 0 ? arg.slice(eq + 1) : undefined }] };
  }
  const flags: Written[] = [];
  for (let at = 1; at < arg.length; at++) {
    const name = byShort.get(arg[at]);
    if (!name) return { flags, unknown: `-${arg[at]}` };
    if (specs[name].kind === 'bool' || specs[name].kind === 'count') {
      flags.push({ name });
      continue;
    }
    const rest = arg.slice(at + 1);
    flags.push({ name, inline: rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest });
    break;
  }
  return { flags };
}

const isFlagWord = (arg: string): boolean => arg.startsWith('-') && arg !== '-' && arg !== '--';

/**
 * Parses restic's flag syntax: `--name value`, `--name=value`, `-x value`, `-xVALUE`, `-x=VALUE`, short switches
 * grouped (`-qv`, `-qrREPO`), `--switch=false`; flags may stand anywhere among the positionals, a value may start
 * with a dash, a list flag may be given again, and `--` ends the flags. Unknown flags are an error naming the flag.
 */
export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const byShort = shortNames(specs);
  const flags = new Map<string, string | boolean | string[] | number>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isFlagWord(arg)) {
      positionals.push(arg);
      continue;
    }
    const word = readWord(arg, specs, byShort);
    if (word.unknown) throw new UsageError(`unknown flag: ${word.unknown}${word.unknown === arg ? '' : ` (in ${arg})`}`);
    for (const { name, inline } of word.flags) {
      const spec = specs[name];
      if (spec.kind === 'count') {
        if (inline !== undefined && !/^\d+$/.test(inline)) throw new LockstepError(`flag --${name} is a number, not "${inline}"`);
        const before = flags.get(name);
        flags.set(name, inline !== undefined ? Number(inline) : (typeof before === 'number' ? before : 0) + 1);
        continue;
      }
      if (spec.kind === 'bool') {
        if (inline !== undefined && !TRUE_WORDS.includes(inline) && !FALSE_WORDS.includes(inline)) {
          throw new LockstepError(`flag --${name} is true or false, not "${inline}"`);
        }
        flags.set(name, inline === undefined || TRUE_WORDS.includes(inline));
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

export function flagCount(args: ParsedArgs, name: string): number {
  const v = args.flags.get(name);
  return typeof v === 'number' ? v : 0;
}

export function flagList(args: ParsedArgs, name: string): string[] {
  const v = args.flags.get(name);
  return Array.isArray(v) ? v : [];
}

/**
 * Finds the command word: the first argument that is neither a global flag nor a global flag's value
 * (`lockstep -r REPO init`, `lockstep -qr REPO init`). Returns it and the other arguments. A flag it does not know
 * belongs to the command and is left to parseArgs.
 */
export function splitCommand(argv: readonly string[], globals: FlagSpecs): { command?: string; rest: string[] } {
  const byShort = shortNames(globals);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (!isFlagWord(arg)) return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    const { flags } = readWord(arg, globals, byShort);
    const last = flags.at(-1);
    if (last && (globals[last.name].kind === 'string' || globals[last.name].kind === 'list') && last.inline === undefined) i++;
  }
  return { rest: [...argv] };
}
