// dump's tar writer read back by GNU tar: names that fit ustar's name field, names that need its prefix field, and
// names and link targets too long for either (a PAX header).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { padding, tarEnd, tarHeader, TarEntry } from '../../../server/src/ops/tar';

function archive(entries: { entry: TarEntry; data?: Buffer }[]): Buffer {
  return Buffer.concat([...entries.flatMap(({ entry, data }) => (data ? [tarHeader(entry), data, padding(data.length)] : [tarHeader(entry)])), tarEnd()]);
}

const base = { mode: 0o644, uid: 1000, gid: 1000, user: 'me', group: 'us', mtime: 1_700_000_000 };

describe('tar entries as dump writes them', () => {
  it('short, prefixed and PAX names, a long link target, and file data all read back by tar', () => {
    const long = `${'d'.repeat(120)}/${'e'.repeat(90)}/file`;
    const veryLong = `${'x'.repeat(200)}/${'y'.repeat(150)}`;
    const target = 't'.repeat(150);
    const tar = archive([
      { entry: { ...base, name: Buffer.from('top/'), type: 'dir', mode: 0o755, size: 0 } },
      { entry: { ...base, name: Buffer.from('top/short.txt'), type: 'file', size: 6 }, data: Buffer.from('hello\n') },
      { entry: { ...base, name: Buffer.from(long), type: 'file', size: 3 }, data: Buffer.from('abc') },
      { entry: { ...base, name: Buffer.from(veryLong), type: 'file', size: 0 }, data: Buffer.alloc(0) },
      { entry: { ...base, name: Buffer.from('top/link'), type: 'symlink', mode: 0o777, size: 0, linkTarget: Buffer.from(target) } },
    ]);
    const listed = execFileSync('tar', ['-tvf', '-'], { input: tar, env: { TZ: 'UTC' } }).toString().trim().split('\n');
    expect(listed.map((l) => l.replace(/^(\S+) (\S+)\s+(\d+) \S+ \S+ /, '$1 $2 $3 '))).toEqual([
      'drwxr-xr-x me/us 0 top/',
      '-rw-r--r-- me/us 6 top/short.txt',
      `-rw-r--r-- me/us 3 ${long}`,
      `-rw-r--r-- me/us 0 ${veryLong}`,
      `lrwxrwxrwx me/us 0 top/link -> ${target}`,
    ]);
    expect(execFileSync('tar', ['-xOf', '-', 'top/short.txt'], { input: tar }).toString()).toBe('hello\n');
  });
});
