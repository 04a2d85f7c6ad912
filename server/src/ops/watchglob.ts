// VS Code's glob syntax (files.watcherExclude): `**` any number of path segments including none, `*` and `?` inside
// one segment, `{a,b}` alternatives, `[...]`/`[!...]` character ranges. Used to tell which paths the editor's file
// watcher does not report, so a change-driven backup walks those itself.

/** A pattern as an anchored regular expression over a path with `/` separators (no leading slash for relative paths). */
export function watchGlobToRegExp(glob: string): RegExp {
  return new RegExp(`^${convert(glob)}$`, 's');
}

function convert(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const slashAfter = glob[i + 2] === '/';
      if (atStart && slashAfter) {
        re += '(?:.*/)?'; // "**/": any leading folders, or none
        i += 2;
      } else if (atStart && i + 2 === glob.length && i > 0) {
        re = `${re.slice(0, -1)}(?:/.*)?`; // "/**" at the end: the folder itself or anything in it
        i += 1;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map(convert).join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); // "/" stays as it is
  }
  return re;
}

/** The paths a file watcher over `roots`, excluding `patterns`, does not report. */
export class UnwatchedPaths {
  private readonly patterns: RegExp[];

  constructor(
    private readonly roots: readonly string[],
    patterns: readonly string[],
  ) {
    this.patterns = patterns.filter((p) => p.trim().length > 0).map(watchGlobToRegExp);
  }

  /** The watched folder that holds `absolute` (or is it). */
  rootOf(absolute: string): string | undefined {
    return this.roots.find((root) => absolute === root || absolute.startsWith(root === '/' ? '/' : `${root}/`));
  }

  /** Whether the watcher leaves out events for `absolute`: outside every root, or matched by an exclude pattern. */
  hides(absolute: string): boolean {
    const root = this.rootOf(absolute);
    if (root === undefined) return true;
    if (this.patterns.length === 0) return false;
    const relative = absolute === root ? '' : absolute.slice(root === '/' ? 1 : root.length + 1);
    return this.patterns.some((re) => re.test(absolute) || (relative !== '' && re.test(relative)));
  }
}
