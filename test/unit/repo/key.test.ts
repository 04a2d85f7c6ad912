import { scryptSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptFileError, WrongPasswordError } from '../../../server/src/errors';
import { cryptoReady, newRandomMasterKey, open } from '../../../server/src/repo/crypto';
import { createKeyFile, openKeyFile } from '../../../server/src/repo/key';
import { describeWithPeer, requirePeer } from '../../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

beforeAll(cryptoReady);
afterAll(cleanupTempDirs);
const fast = { N: 1024, r: 8, p: 1 };

describe('key files', () => {
  it('scrypt matches restic\'s fixture key (N=128, r=1, p=1)', () => {
    const salt = Buffer.from('IdRzINnXykIHn3F98mHV6wY04p5ymaji6vlqA75y/edei9btmS4yHvCylyzrjzegzlteunS97pdauzSMezlZHg==', 'base64');
    expect(scryptSync('geheim', salt, 64, { N: 128, r: 1, p: 1 }).toString('hex')).toBe(
      'd6d2bac3ddc6a9a2742cf183203f47ec445ed738bb3cb2a930f00dfe76600f62d6d97b3c0618f5e2936db69c161962e8f2d72be77329899125d8f2884e8bc7cc',
    );
  });

  it('create → open gives back the master key; the ID is the hash of the bytes', async () => {
    const master = newRandomMasterKey();
    const { id, bytes } = await createKeyFile('secret', master, { kdf: fast, hostname: 'h', username: 'u' });
    const json = JSON.parse(bytes.toString());
    expect(Object.keys(json)).toEqual(['created', 'username', 'hostname', 'kdf', 'N', 'r', 'p', 'salt', 'data']);
    expect(Buffer.from(json.salt, 'base64')).toHaveLength(64);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const opened = await openKeyFile(id, bytes, 'secret');
    expect(opened.encrypt.equals(master.encrypt) && opened.macK.equals(master.macK) && opened.macR.equals(master.macR)).toBe(true);
  });

  it('a wrong password is WrongPasswordError', async () => {
    const { id, bytes } = await createKeyFile('secret', newRandomMasterKey(), { kdf: fast });
    await expect(openKeyFile(id, bytes, 'Secret')).rejects.toBeInstanceOf(WrongPasswordError);
  });

  it('field names match case-insensitively, as Go reads them', async () => {
    const { id, bytes } = await createKeyFile('pw', newRandomMasterKey(), { kdf: fast });
    const renamed = bytes.toString().replace('"N":', '"n":').replace('"salt":', '"Salt":');
    await expect(openKeyFile(id, Buffer.from(renamed), 'pw')).resolves.toBeTruthy();
  });

  const garbage: [string, string, RegExp][] = [
    ['not JSON', 'hello', /not JSON/],
    ['another KDF', '{"kdf":"argon2","N":2,"r":1,"p":1,"salt":"","data":""}', /unsupported key derivation/],
    ['N not a power of two', `{"kdf":"scrypt","N":1000,"r":8,"p":1,"salt":"${Buffer.alloc(64).toString('base64')}","data":"AAAA"}`, /invalid scrypt parameters/],
    ['a short salt', `{"kdf":"scrypt","N":1024,"r":8,"p":1,"salt":"${Buffer.alloc(32).toString('base64')}","data":"AAAA"}`, /not 64 bytes/],
    ['no data', `{"kdf":"scrypt","N":1024,"r":8,"p":1,"salt":"${Buffer.alloc(64).toString('base64')}"}`, /master key is missing/],
  ];
  for (const [what, text, message] of garbage) {
    it(`a key file with ${what} is a clear CorruptFileError`, async () => {
      const err = await openKeyFile('k1', Buffer.from(text), 'pw').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptFileError);
      expect((err as Error).message).toMatch(/^keys\/k1 is damaged: /);
      expect((err as Error).message).toMatch(message);
    });
  }
});

describeWithPeer('restic-0.14', 'key files written by restic', () => {
  it('opens restic\'s key and decrypts its config', async () => {
    const restic = requirePeer('restic-0.14');
    const repo = path.join(makeTempDir('key'), 'repo');
    execFileSync(restic, ['init', '-r', repo], { env: { PATH: process.env.PATH, RESTIC_PASSWORD: 'pw', RESTIC_CACHE_DIR: makeTempDir('cache') } });
    const [name] = readdirSync(path.join(repo, 'keys'));
    const master = await openKeyFile(name, readFileSync(path.join(repo, 'keys', name)), 'pw');
    const config = JSON.parse(open(master, readFileSync(path.join(repo, 'config'))).toString());
    expect(config.version).toBe(2);
    expect(config.chunker_polynomial).toMatch(/^[23][0-9a-f]{13}$/);
  });
});
