/**
 * restic-style exclude patterns: a pattern is matched component by component against a path; `*`, `?`
 * and `[...]` work inside one component, `**` spans any number of components. A pattern that does not
 * start with `/` may match starting at any component, and a match on a folder excludes what is inside.
 */
export class ExcludeMatcher {
  private readonly patterns: RegExp[][];

  constructor(readonly sources: readonly string[]) {
    this.patterns = sources.filter((p) => p.trim().length > 0).map(compilePattern);
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  /** `absolutePath` uses `/` separators. */
  excludes(absolutePath: string): boolean {
    if (this.patterns.length === 0) return false;
    const parts = absolutePath.split('/').filter((p) => p.length > 0);
    return this.patterns.some((pattern) => matchesAnywhere(pattern, parts));
  }

  /** Whether something below the folder `absolutePath` could match (restic's include patterns descend where so). */
  mayMatchBelow(absolutePath: string): boolean {
    const parts = absolutePath.split('/').filter((p) => p.length > 0);
    return this.patterns.some((pattern) => matchesAnywhere(pattern, parts, true));
  }
}

/** Patterns that match ignoring case (restic's --iexclude/--iinclude: pattern and path lowercased). */
export class CaselessMatcher {
  private readonly matcher: ExcludeMatcher;

  constructor(sources: readonly string[]) {
    this.matcher = new ExcludeMatcher(sources.map((p) => p.toLowerCase()));
  }

  get isEmpty(): boolean {
    return this.matcher.isEmpty;
  }

  excludes(absolutePath: string): boolean {
    return this.matcher.excludes(absolutePath.toLowerCase());
  }

  mayMatchBelow(absolutePath: string): boolean {
    return this.matcher.mayMatchBelow(absolutePath.toLowerCase());
  }
}

const ANY_DEPTH = /^$/; // placeholder object identity for `**`

function compilePattern(source: string): RegExp[] {
  const absolute = source.startsWith('/');
  const parts = source.split('/').filter((p) => p.length > 0).map((part) => (part === '**' ? ANY_DEPTH : globToRegExp(part)));
  return absolute ? parts : [ANY_DEPTH, ...parts];
}

function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) re += escapeRegExp(glob[++i]);
    else re += escapeRegExp(c);
  }
  return new RegExp(re + '$', 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * True if the pattern matches a prefix of `parts` (so a matched folder covers its content); with `orBelow`, also if
 * `parts` ran out while the pattern could still go on (a path below could match).
 */
function matchesAnywhere(pattern: RegExp[], parts: string[], orBelow = false): boolean {
  const match = (pi: number, xi: number): boolean => {
    if (pi === pattern.length) return true;
    if (orBelow && xi >= parts.length) return true;
    const p = pattern[pi];
    if (p === ANY_DEPTH) {
      for (let skip = xi; skip <= parts.length; skip++) if (match(pi + 1, skip)) return true;
      return false;
    }
    if (xi >= parts.length || !p.test(parts[xi])) return false;
    return match(pi + 1, xi + 1);
  };
  return match(0, 0);
}
