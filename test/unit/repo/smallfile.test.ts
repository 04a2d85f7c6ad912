import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSmallFile } from '../../../server/src/repo/engine/smallfile';

describe('small files read whole (as the backup workers read them)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-smallfile-'));
  const limit = 1000;
  const file = (name: string, data: Buffer): Buffer => {
    writeFileSync(path.join(dir, name), data);
    return Buffer.from(path.join(dir, name));
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files below the limit into the given buffer, and leaves files at or above it unread', () => {
    const scratch = Buffer.alloc(limit + 1);
    const below = randomBytes(limit - 1);
    expect(readSmallFile(file('below', below), limit, scratch)?.equals(below)).toBe(true);
    expect(readSmallFile(file('empty', Buffer.alloc(0)), limit, scratch)?.length).toBe(0);
    expect(readSmallFile(file('at', randomBytes(limit)), limit, scratch)).toBeUndefined();
    expect(readSmallFile(file('above', randomBytes(limit * 3)), limit, scratch)).toBeUndefined();
  });
});
