import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CorruptFileError, ExitCode, LockstepError, WrongPasswordError } from '../../../server/src/base/errors';
import { cryptoReady, MasterKey, newRandomMasterKey, open, seal } from '../../../server/src/repo/format/crypto';
import { calibrateKdf, chooseKdf, createKeyFile, decodeMasterKeyJson, DEFAULT_KDF_PARAMS, encodeMasterKeyJson, KDF_MAX_MEMORY, KDF_MAX_P, KdfParams, openKeyFile } from '../../../server/src/repo/format/key';
import { describeWithPeer, requirePeer } from '../../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

beforeAll(cryptoReady);
afterAll(cleanupTempDirs);

const fast = { N: 1024, r: 8, p: 1 };
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const sameKey = (a: MasterKey, b: MasterKey): boolean => a.encrypt.equals(b.encrypt) && a.macK.equals(b.macK) && a.macR.equals(b.macR);

// restic's fixture repo-same-timestamps (restic-format.md §7): password "geheim", N=128, r=1, p=1.
const fixtureSalt = Buffer.from('IdRzINnXykIHn3F98mHV6wY04p5ymaji6vlqA75y/edei9btmS4yHvCylyzrjzegzlteunS97pdauzSMezlZHg==', 'base64');
const fixtureScrypt64 =
  'd6d2bac3ddc6a9a2742cf183203f47ec445ed738bb3cb2a930f00dfe76600f62d6d97b3c0618f5e2936db69c161962e8f2d72be77329899125d8f2884e8bc7cc';
const fixtureMaster: MasterKey = {
  encrypt: Buffer.from('otMVPSgsHDkT0fDPZP1eLHzu/mDwwDFk6EkErT/pUeo=', 'base64'),
  macK: Buffer.from('CYGKPuMvgzH+XDxt6prw9g==', 'base64'),
  macR: Buffer.from('AbKZDey7kQ+8eYIAtGlUDA==', 'base64'),
};

/** A key file sealed by hand with the fixture's scrypt output (not through createKeyFile). */
function fixtureKeyFile(fields: Record<string, unknown> = {}, masterJson = encodeMasterKeyJson(fixtureMaster)): Buffer {
  const dk = Buffer.from(fixtureScrypt64, 'hex');
  const user: MasterKey = { encrypt: dk.subarray(0, 32), macK: dk.subarray(32, 48), macR: dk.subarray(48, 64) };
  const json = {
    created: '2022-08-20T12:00:00.123456789+02:00',
    username: 'restic',
    hostname: 'test',
    kdf: 'scrypt',
    N: 128,
    r: 1,
    p: 1,
    salt: b64(fixtureSalt),
    data: b64(seal(user, Buffer.from(masterJson))),
    ...fields,
  };
  return Buffer.from(JSON.stringify(json));
}

describe('scrypt and the key split', () => {
  it("scrypt matches restic's fixture (N=128, r=1, p=1, 64-byte salt)", () => {
    expect(scryptSync('geheim', fixtureSalt, 64, { N: 128, r: 1, p: 1 }).toString('hex')).toBe(fixtureScrypt64);
  });

  it('openKeyFile derives the same user key and splits it as enc | k | r', async () => {
    const master = await openKeyFile('fixture', fixtureKeyFile(), 'geheim');
    expect(sameKey(master, fixtureMaster)).toBe(true);
  });

  it('the default parameters are what restic 0.14 calibrates to on this kind of machine', () => {
    expect(DEFAULT_KDF_PARAMS).toEqual({ N: 32768, r: 8, p: 7 });
  });
});

describe('scrypt calibration for new keys (restic: about 500 ms, at most 60 MiB)', () => {
  /** A machine where a derivation costs `fixed` plus `perLane` for each lane, at N = 32768. */
  const machine = (fixed: number, perLane: number) => {
    const asked: KdfParams[] = [];
    const measure = async (kdf: KdfParams): Promise<number> => {
      asked.push(kdf);
      return ((fixed + perLane * kdf.p) * kdf.N) / 32768;
    };
    return { asked, measure };
  };

  it('takes the largest N that fits in 60 MiB with r = 8, and as many lanes as fit in 500 ms', async () => {
    const { asked, measure } = machine(120, 67); // Node's OpenSSL on this project's machines
    expect(await calibrateKdf(measure)).toEqual({ N: 32768, r: 8, p: 5 }); // 120 + 5 * 67 = 455 ms
    expect(asked.every((kdf) => 128 * kdf.N * kdf.r <= KDF_MAX_MEMORY)).toBe(true);
    expect((await calibrateKdf(machine(20, 40).measure)).p).toBe(12); // 20 + 12 * 40 = 500 ms
  });

  it('on a slow machine halves N until one lane fits, but not below 16384, and always has a lane', async () => {
    expect(await calibrateKdf(machine(100, 700).measure)).toEqual({ N: 16384, r: 8, p: 1 });
    expect(await calibrateKdf(machine(100, 300).measure)).toEqual({ N: 32768, r: 8, p: 1 }); // 400 ms, a second lane would be 700
    expect(await calibrateKdf(machine(100, 150).measure)).toEqual({ N: 32768, r: 8, p: 2 });
  });

  // How long the chosen parameters take depends on how busy the machine is: the choice from given timings is tested
  // with injected ones (kdf-calibration.test.ts); here real derivations must give parameters within restic's bounds.
  it('measures real derivations: parameters within restic\'s bounds that open the key they made, however busy the machine', async () => {
    const kdf = await calibrateKdf();
    expect(kdf.r).toBe(8);
    expect([16384, 32768]).toContain(kdf.N);
    expect(128 * kdf.N * kdf.r).toBeLessThanOrEqual(KDF_MAX_MEMORY);
    expect(kdf.p).toBeGreaterThanOrEqual(1);
    expect(kdf.p).toBeLessThanOrEqual(KDF_MAX_P);
    const master = newRandomMasterKey();
    const { id, bytes } = await createKeyFile('pw', master, { kdf });
    expect(JSON.parse(bytes.toString())).toMatchObject({ N: kdf.N, r: kdf.r, p: kdf.p });
    expect(sameKey(await openKeyFile(id, bytes, 'pw'), master)).toBe(true);
  });

  it('LOCKSTEP_KDF_* take precedence over calibration (any one of them is enough)', async () => {
    expect(await chooseKdf({ LOCKSTEP_KDF_N: '1024' })).toEqual({ ...DEFAULT_KDF_PARAMS, N: 1024 });
    await expect(chooseKdf({ LOCKSTEP_KDF_P: 'x' })).rejects.toThrow(/LOCKSTEP_KDF_P must be a whole number/);
  });
});

describe('createKeyFile → openKeyFile', () => {
  it('gives back the master key; the file is restic-shaped JSON and its ID is its SHA-256', async () => {
    const master = newRandomMasterKey();
    const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const { id, bytes } = await createKeyFile('secret', master, { kdf: fast, hostname: 'h', username: 'u', now });
    const text = bytes.toString();
    expect(text.endsWith('}')).toBe(true); // no trailing newline
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(['created', 'username', 'hostname', 'kdf', 'N', 'r', 'p', 'salt', 'data']);
    expect(json).toMatchObject({ username: 'u', hostname: 'h', kdf: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(json.created).toMatch(/^2024-01-0[12]T\d\d:04:05\.678(Z|[+-]\d\d:\d\d)$/);
    expect(Buffer.from(json.salt, 'base64').length).toBe(64);
    expect(Buffer.from(json.data, 'base64').length).toBe(encodeMasterKeyJson(master).length + 32);
    expect(id).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(sameKey(await openKeyFile(id, bytes, 'secret'), master)).toBe(true);
  });

  it('uses a fresh salt each time', async () => {
    const master = newRandomMasterKey();
    const a = await createKeyFile('pw', master, { kdf: fast });
    const b = await createKeyFile('pw', master, { kdf: fast });
    expect(a.id).not.toBe(b.id);
    expect(JSON.parse(a.bytes.toString()).salt).not.toBe(JSON.parse(b.bytes.toString()).salt);
  });

  it('writes username and hostname even when not given', async () => {
    const json = JSON.parse((await createKeyFile('pw', newRandomMasterKey(), { kdf: fast })).bytes.toString());
    expect(typeof json.username).toBe('string');
    expect(typeof json.hostname).toBe('string');
  });

  it('handles non-ASCII and empty passwords as UTF-8', async () => {
    for (const password of ['pässwörd 🔑', '']) {
      const master = newRandomMasterKey();
      const { id, bytes } = await createKeyFile(password, master, { kdf: fast });
      expect(sameKey(await openKeyFile(id, bytes, password), master)).toBe(true);
    }
  });

  it('a wrong password is a WrongPasswordError (exit code 12)', async () => {
    const { id, bytes } = await createKeyFile('secret', newRandomMasterKey(), { kdf: fast });
    const err = await openKeyFile(id, bytes, 'Secret').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPasswordError);
    expect((err as WrongPasswordError).exitCode).toBe(ExitCode.wrongPassword);
  });

  it('refuses invalid KDF parameters and an invalid master key instead of writing an unusable file', async () => {
    await expect(createKeyFile('pw', newRandomMasterKey(), { kdf: { N: 1000, r: 8, p: 1 } })).rejects.toThrow(/N must be a power of two/);
    await expect(createKeyFile('pw', newRandomMasterKey(), { kdf: { N: 1024, r: 0, p: 1 } })).rejects.toThrow(/r must be/);
    await expect(createKeyFile('pw', newRandomMasterKey(), { kdf: { N: 1024, r: 8, p: 1.5 } })).rejects.toThrow(/p must be/);
    await expect(createKeyFile('pw', { ...newRandomMasterKey(), macR: Buffer.alloc(16) }, { kdf: fast })).rejects.toBeInstanceOf(LockstepError);
  });
});

describe('LOCKSTEP_KDF_* overrides', () => {
  const saved = { N: process.env.LOCKSTEP_KDF_N, R: process.env.LOCKSTEP_KDF_R, P: process.env.LOCKSTEP_KDF_P };
  const restore = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  afterEach(() => {
    restore('LOCKSTEP_KDF_N', saved.N);
    restore('LOCKSTEP_KDF_R', saved.R);
    restore('LOCKSTEP_KDF_P', saved.P);
  });

  it('apply when no kdf option is given', async () => {
    process.env.LOCKSTEP_KDF_N = '256';
    process.env.LOCKSTEP_KDF_R = '2';
    process.env.LOCKSTEP_KDF_P = '3';
    const json = JSON.parse((await createKeyFile('pw', newRandomMasterKey())).bytes.toString());
    expect([json.N, json.r, json.p]).toEqual([256, 2, 3]);
  });

  it('an unset one keeps its default', async () => {
    process.env.LOCKSTEP_KDF_N = '512';
    delete process.env.LOCKSTEP_KDF_R;
    process.env.LOCKSTEP_KDF_P = '1';
    const json = JSON.parse((await createKeyFile('pw', newRandomMasterKey())).bytes.toString());
    expect([json.N, json.r, json.p]).toEqual([512, DEFAULT_KDF_PARAMS.r, 1]);
  });

  it('a bad value is a clear error', async () => {
    process.env.LOCKSTEP_KDF_N = 'lots';
    await expect(createKeyFile('pw', newRandomMasterKey())).rejects.toThrow(/LOCKSTEP_KDF_N must be a whole number/);
    process.env.LOCKSTEP_KDF_N = '1000';
    await expect(createKeyFile('pw', newRandomMasterKey())).rejects.toThrow(/N must be a power of two/);
  });
});

describe('reading key files as Go does', () => {
  it('matches field names case-insensitively, including the Kelvin sign and long s', async () => {
    const renamed = fixtureKeyFile()
      .toString()
      .replace('"N":', '"n":')
      .replace('"salt":', '"SALT":')
      .replace('"data":', '"Data":')
      .replace('"kdf":', '"\u212adf":')
      .replace('"r":', '"R":');
    expect(sameKey(await openKeyFile('k', Buffer.from(renamed), 'geheim'), fixtureMaster)).toBe(true);
    const longS = fixtureKeyFile().toString().replace('"salt":', '"\u017falt":');
    expect(sameKey(await openKeyFile('k', Buffer.from(longS), 'geheim'), fixtureMaster)).toBe(true);
  });

  it('accepts reordered, pretty-printed files with extra fields and base64 split by newlines', async () => {
    const json = JSON.parse(fixtureKeyFile().toString());
    const data: string = json.data;
    const reordered = { data: `${data.slice(0, 20)}\n${data.slice(20)}`, extra: [1, 2], salt: json.salt, p: 1, r: 1, N: 128, kdf: 'scrypt' };
    expect(sameKey(await openKeyFile('k', Buffer.from(JSON.stringify(reordered, null, 2) + '\n'), 'geheim'), fixtureMaster)).toBe(true);
  });

  it('accepts case-insensitive names in the master key JSON too', async () => {
    const json = `{"MAC":{"K":"${b64(fixtureMaster.macK)}","R":"${b64(fixtureMaster.macR)}"},"Encrypt":"${b64(fixtureMaster.encrypt)}"}`;
    expect(sameKey(await openKeyFile('k', fixtureKeyFile({}, json), 'geheim'), fixtureMaster)).toBe(true);
  });
});

describe('damaged key files are a clear CorruptFileError', () => {
  const salt64 = b64(Buffer.alloc(64, 7));
  const base = { kdf: 'scrypt', N: 1024, r: 8, p: 1, salt: salt64, data: b64(randomBytes(100)) };
  const cases: [string, string | Buffer, RegExp][] = [
    ['not JSON', 'hello', /not JSON/],
    ['empty', '', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['another KDF', JSON.stringify({ ...base, kdf: 'argon2' }), /unsupported key derivation function "argon2"/],
    ['no KDF', JSON.stringify({ ...base, kdf: undefined }), /unsupported key derivation function null/],
    ['N not a power of two', JSON.stringify({ ...base, N: 1000 }), /invalid scrypt parameters: N must be a power of two/],
    ['N = 1', JSON.stringify({ ...base, N: 1 }), /N must be a power of two above 1/],
    ['N as a string', JSON.stringify({ ...base, N: '1024' }), /N must be a power of two/],
    ['r = 0', JSON.stringify({ ...base, r: 0 }), /r must be a whole number of at least 1/],
    ['p missing', JSON.stringify({ ...base, p: undefined }), /p must be a whole number/],
    ['r*p too large', JSON.stringify({ ...base, r: 2 ** 15, p: 2 ** 15 }), /r\*p must be below 2\^30/],
    ['absurd memory', JSON.stringify({ ...base, N: 2 ** 30 }), /MiB allowed/],
    ['a 32-byte salt', JSON.stringify({ ...base, salt: b64(Buffer.alloc(32, 1)) }), /the salt is 32 bytes, not 64/],
    ['a salt that is not base64', JSON.stringify({ ...base, salt: '%%%' + salt64.slice(3) }), /salt is not valid base64/],
    ['no salt', JSON.stringify({ ...base, salt: undefined }), /salt is missing/],
    ['no data', JSON.stringify({ ...base, data: undefined }), /master key \("data"\) is missing/],
    ['data that is not base64', JSON.stringify({ ...base, data: 'abc' }), /"data"\) is not valid base64/],
    ['data too short to be sealed', JSON.stringify({ ...base, data: b64(randomBytes(31)) }), /"data"\) is only 31 bytes/],
  ];
  for (const [what, text, message] of cases) {
    it(`${what}`, async () => {
      const err = await openKeyFile('k1', Buffer.from(text), 'pw').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptFileError);
      expect((err as Error).message).toMatch(/^keys\/k1 is damaged: /);
      expect((err as Error).message).toMatch(message);
    });
  }

  const innerCases: [string, string, RegExp][] = [
    ['not JSON', 'nope', /not JSON/],
    ['without mac', `{"encrypt":"${b64(randomBytes(32))}"}`, /"mac" is missing/],
    ['with a short encrypt', `{"mac":{"k":"${b64(randomBytes(16))}","r":"${b64(randomBytes(16))}"},"encrypt":"${b64(randomBytes(31))}"}`, /"encrypt" is 31 bytes, not 32/],
    ['with an all-zero r', `{"mac":{"k":"${b64(randomBytes(16))}","r":"${b64(Buffer.alloc(16))}"},"encrypt":"${b64(randomBytes(32))}"}`, /all zeros/],
  ];
  for (const [what, inner, message] of innerCases) {
    it(`a master key inside that is ${what}`, async () => {
      const err = await openKeyFile('k2', fixtureKeyFile({}, inner), 'geheim').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptFileError);
      expect((err as Error).message).toMatch(/^keys\/k2 is damaged: the master key inside is invalid/);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('a damaged data field with a valid shape reads as a wrong password, as in restic', async () => {
    const json = JSON.parse(fixtureKeyFile().toString());
    const data = Buffer.from(json.data, 'base64');
    data[20] ^= 1;
    await expect(openKeyFile('k3', Buffer.from(JSON.stringify({ ...json, data: b64(data) })), 'geheim')).rejects.toBeInstanceOf(WrongPasswordError);
  });
});

describe('master key JSON', () => {
  it('encodes in restic\'s shape and decodes back', () => {
    const k = newRandomMasterKey();
    const text = encodeMasterKeyJson(k);
    expect(text).toBe(`{"mac":{"k":"${b64(k.macK)}","r":"${b64(k.macR)}"},"encrypt":"${b64(k.encrypt)}"}`);
    expect(sameKey(decodeMasterKeyJson(text), k)).toBe(true);
  });

  it('decoding garbage throws a LockstepError', () => {
    expect(() => decodeMasterKeyJson('{}')).toThrow(LockstepError);
    expect(() => decodeMasterKeyJson('{"mac":{"k":"x","r":"y"},"encrypt":"z"}')).toThrow(/not valid base64/);
  });
});

describeWithPeer('restic-0.14', 'key files and restic 0.14', () => {
  it("opens restic's key, decrypts its config, and restic opens a key file written here", async () => {
    const restic = requirePeer('restic-0.14');
    const repo = path.join(makeTempDir('key'), 'repo');
    const env = (password: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: makeTempDir('cache') });
    execFileSync(restic, ['init', '-r', repo], { env: env('pw'), stdio: 'pipe' });

    const [name] = readdirSync(path.join(repo, 'keys'));
    const master = await openKeyFile(name, readFileSync(path.join(repo, 'keys', name)), 'pw');
    const config = JSON.parse(open(master, readFileSync(path.join(repo, 'config'))).toString());
    expect(config.version).toBe(2);
    expect(config.id).toMatch(/^[0-9a-f]{64}$/);
    expect(config.chunker_polynomial).toMatch(/^[23][0-9a-f]{13}$/);
    await expect(openKeyFile(name, readFileSync(path.join(repo, 'keys', name)), 'wrong')).rejects.toBeInstanceOf(WrongPasswordError);

    // A second key, written by createKeyFile, for another password: restic must open the repository with it.
    const { id, bytes } = await createKeyFile('zweites', master, { kdf: { N: 1024, r: 8, p: 1 }, username: 'lockstep', hostname: 'test-host' });
    writeFileSync(path.join(repo, 'keys', id), bytes);
    const catConfig = execFileSync(restic, ['-r', repo, 'cat', 'config'], { env: env('zweites'), stdio: 'pipe' }).toString();
    expect(JSON.parse(catConfig).id).toBe(config.id);
    const keyList = execFileSync(restic, ['-r', repo, 'key', 'list'], { env: env('zweites'), stdio: 'pipe' }).toString();
    expect(keyList).toContain('lockstep');
    expect(keyList).toContain('test-host');
  });
});
