import { readFileSync } from 'node:fs';

/** uid/gid → name from /etc/passwd and /etc/group, as restic records them in tree nodes. */
class NameTable {
  private table: Map<number, string> | undefined;
  constructor(private readonly file: string) {}

  name(id: number): string | undefined {
    if (!this.table) {
      this.table = new Map();
      try {
        for (const line of readFileSync(this.file, 'utf8').split('\n')) {
          const fields = line.split(':');
          if (fields.length >= 3 && /^\d+$/.test(fields[2]) && !this.table.has(Number(fields[2]))) {
            this.table.set(Number(fields[2]), fields[0]);
          }
        }
      } catch {
        // No such database on this system: names are simply left out.
      }
    }
    return this.table.get(id);
  }
}

const users = new NameTable('/etc/passwd');
const groups = new NameTable('/etc/group');

export function userName(uid: number): string | undefined {
  return users.name(uid);
}

export function groupName(gid: number): string | undefined {
  return groups.name(gid);
}
