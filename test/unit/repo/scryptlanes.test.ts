// scrypt's lanes on this thread and a helper thread (repo/engine/scryptlanes.ts), with the real helper bundle that
// `npm test` builds (dist/scrypt.js) and with helpers that fail: the key must be OpenSSL's whatever the helper does.
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mixLanesOnThreads, scryptFor } from '../../../server/src/repo/engine/scryptlanes';
import { KdfParams, opensslScrypt } from '../../../server/src/repo/format/key';

const HELPER = path.resolve(__dirname, '../../../dist/scrypt.js');
/** Lanes of 16 MiB: large enough for a helper thread. */
const KDF: KdfParams = { N: 2 ** 14, r: 8, p: 4 };
const password = Buffer.from('correct horse battery staple');
const salt = randomBytes(64);
const expected = scryptSync(password, salt, 64, { ...KDF, maxmem: 64 * 1024 * 1024 });
const scratch = mkdtempSync(path.join(tmpdir(), 'lockstep-scryptlanes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A helper script of the test's own, in CommonJS like the bundle. */
function helperScript(name: string, source: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, source);
  return file;
}

describe('scrypt lanes on two threads', () => {
  it("derives OpenSSL's key, with the helper thread mixing some of the lanes", async () => {
    const mixed = await mixLanesOnThreads(password, salt, KDF, 64, HELPER);
    expect(mixed?.key.equals(expected)).toBe(true);
    // The helper may start after this thread took every lane on a slow machine; over a few derivations it helps.
    let helped = mixed?.helperLanes ?? 0;
    for (let i = 0; i < 4 && helped === 0; i++) helped += (await mixLanesOnThreads(password, salt, KDF, 64, HELPER))?.helperLanes ?? 0;
    expect(helped).toBeGreaterThan(0);
  });

  it('mixes again here a lane the helper took and did not finish', async () => {
    // Takes a lane, scribbles over it, says which it took and dies before marking it mixed.
    const claimed = path.join(scratch, 'claimed');
    const dying = helperScript(
      'dying.cjs',
      `const { workerData } = require('node:worker_threads');
       const control = new Int32Array(workerData.control);
       const lanes = Buffer.from(workerData.lanes);
       const lane = Atomics.add(control, 0, 1);
       if (lane < workerData.p) lanes.fill(0xee, lane * 128 * workerData.r, (lane + 1) * 128 * workerData.r);
       require('node:fs').writeFileSync(${JSON.stringify(claimed)}, String(lane));
       throw new Error('helper failed mid-lane');`,
    );
    // Sixteen lanes of ~25 ms: the helper starts long before this thread is through them.
    const many: KdfParams = { ...KDF, p: 16 };
    const mixed = await mixLanesOnThreads(password, salt, many, 64, dying);
    expect(Number(readFileSync(claimed, 'utf8'))).toBeLessThan(many.p);
    expect(mixed?.key.equals(scryptSync(password, salt, 64, { ...many, maxmem: 64 * 1024 * 1024 }))).toBe(true);
    expect(mixed?.helperLanes).toBe(0);
  });

  it('does all the lanes here when the helper cannot start', async () => {
    const mixed = await mixLanesOnThreads(password, salt, KDF, 64, path.join(scratch, 'missing.js'));
    expect(mixed?.key.equals(expected)).toBe(true);
    expect(mixed?.helperLanes).toBe(0);
  });

  it('keeps small lanes and single lanes on this thread', async () => {
    for (const kdf of [{ N: 1024, r: 8, p: 4 }, { N: 2 ** 14, r: 8, p: 1 }]) {
      const mixed = await mixLanesOnThreads(password, salt, kdf, 64, HELPER);
      expect(mixed?.key.equals(scryptSync(password, salt, 64, { ...kdf, maxmem: 64 * 1024 * 1024 }))).toBe(true);
      expect(mixed?.helperLanes).toBe(0);
    }
  });

  it('LOCKSTEP_SCRYPT picks OpenSSL or the mixer; every choice gives the same key', async () => {
    expect(scryptFor({ LOCKSTEP_SCRYPT: 'openssl' })).toBe(opensslScrypt);
    for (const choice of [undefined, 'wasm', 'threads', 'openssl']) {
      for (const helperWanted of [false, true]) {
        const key = await scryptFor({ LOCKSTEP_SCRYPT: choice }, () => helperWanted)(password, salt, KDF, 64);
        expect(key.equals(expected)).toBe(true);
      }
    }
  });
});
