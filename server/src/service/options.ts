// How an operation's options are spelled on the command line and in a request's params, declared once beside the
// operation: the CLI builds its flags from these and the JSON-RPC adapter checks its params by them, so an option
// added here is offered by both front ends.

/** `count`: a whole number (the CLI also takes "unlimited" for -1); `strings`: a repeatable flag, a list param. */
export type OptionKind = 'string' | 'strings' | 'count' | 'boolean';

export interface OptionSpec {
  kind: OptionKind;
  /** The CLI's flag, where it is not the option's name in kebab case (`hosts` is --host). */
  flag?: string;
  short?: string;
  /** The CLI spells this option its own way (init's --repository-version); the adapter reads it itself. */
  cliOwn?: boolean;
  /** A request without it is refused (the CLI's positionals are checked by the operation instead). */
  required?: boolean;
  /** For help: what the option does, and its default where it has one (the CLI's help lists both). */
  description?: string;
  default?: string;
  /** The only values a request may give (checked as params; the CLI maps its own spellings). */
  choices?: readonly (string | number)[];
}

/** Each wire option of an operation (the listeners an in-process front end may add have no spec). */
export type OptionSpecs<Input> = Partial<Record<keyof Input & string, OptionSpec>>;

/** A spec for every option of a contract type: an option added to the contract without one does not compile. */
export type EveryOption<Options> = { [K in keyof Options]-?: OptionSpec };

/** `keepWithinDaily` → `keep-within-daily`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function flagName(name: string, spec: OptionSpec): string {
  return spec.flag ?? kebab(name);
}
