// key list / add / passwd / remove, by the CLI and the JSON-RPC backend, against restic 0.18 on the same repository:
// each opens the keys the other adds, both list the same keys, the key in use is never removed, and a key made with
// other parameters is replaced by `key passwd` with the parameters of now.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { KeyAddRequest, KeyListRequest, KeyRemoveRequest } from '../../shared/src/protocol';
import { lockstep, lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

interface ListedKey {
  current: boolean;
  id: string;
  userName: string;
  hostName: string;
  created: string;
}

const backendFor = backendsStoppedAfterEach('first');

describeWithPeer('restic-0.18', 'key list, add, passwd and remove, with restic 0.18', () => {
  const restic = requirePeer('restic-0.18');
  let dir = '';
  let repo = '';
  const passwordFile = (password: string): string => {
    const file = path.join(dir, `pw-${password}`);
    writeFileSync(file, `${password}\n`);
    return file;
  };
  const keyFiles = (): string[] => readdirSync(path.join(repo, 'keys')).sort();
  const resticKeys = (password: string): ListedKey[] => JSON.parse(runRestic(restic, repo, ['key', 'list', '--json'], { password }).stdout) as ListedKey[];
  const ourKeys = (password: string): ListedKey[] => JSON.parse(lockstepOk(['key', 'list', '--json'], { repo, password }).stdout) as ListedKey[];
  const byId = (keys: ListedKey[]): ListedKey[] => [...keys].sort((a, b) => a.id.localeCompare(b.id));

  // Each test starts from a copy of one repository Lockstep made (with the tests' cheap key).
  let template = '';
  beforeAll(() => {
    template = path.join(makeTempDir('keys-template'), 'repo');
    lockstepOk(['init'], { repo: template, password: 'first' });
  });
  beforeEach(() => {
    dir = makeTempDir('keys');
    repo = path.join(dir, 'repo');
    cpSync(template, repo, { recursive: true });
  });

  it('a key Lockstep adds opens with restic, and both list the same keys', () => {
    const added = lockstepOk(['key', 'add', '--new-password-file', passwordFile('second'), '--host', 'laptop', '--user', 'alice'], { repo, password: 'first' });
    const id = /^saved new key with ID ([0-9a-f]{64})$/m.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    const seen = resticKeys('second');
    expect(seen.find((k) => k.current)).toMatchObject({ id, userName: 'alice', hostName: 'laptop' });
    expect(byId(ourKeys('second'))).toEqual(byId(seen));
  });

  it('a key restic adds with its own calibrated parameters opens with Lockstep; a new password may come on stdin', () => {
    runRestic(restic, repo, ['key', 'add', '--new-password-file', passwordFile('restics')], { password: 'first' });
    const current = ourKeys('restics').find((k) => k.current);
    expect(current).toBeDefined();
    expect(JSON.parse(readFileSync(path.join(repo, 'keys', current!.id), 'utf8'))).toMatchObject({ N: expect.any(Number) });
    // Not a terminal: the first line of stdin is the new password (as restic reads it).
    lockstepOk(['key', 'add'], { repo, password: 'restics', input: 'piped\n' });
    expect(resticKeys('piped').filter((k) => k.current)).toHaveLength(1);
    expect(keyFiles()).toHaveLength(3);
  });

  it('removing the key in use is refused as restic refuses it; another key is removed', () => {
    const [current] = keyFiles(); // the copied repository's one key, which 'first' opens
    lockstepOk(['key', 'add', '--new-password-file', passwordFile('other')], { repo, password: 'first' });
    const before = keyFiles();
    for (const tool of ['lockstep', 'restic'] as const) {
      const refused = tool === 'lockstep' ? lockstep(['key', 'remove', current.slice(0, 8)], { repo, password: 'first' }) : runRestic(restic, repo, ['key', 'remove', current.slice(0, 8)], { password: 'first', allowFail: true });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('refusing to remove key currently used to access repository');
    }
    expect(keyFiles()).toEqual(before);
    const other = before.find((id) => id !== current)!;
    expect(lockstepOk(['key', 'remove', other.slice(0, 10)], { repo, password: 'first' }).stdout).toContain(`removed key ${other}`);
    expect(resticKeys('first').map((k) => k.id)).toEqual([current]);
  });

  it('key passwd replaces a key made with other parameters: the old password stops working, the new key has the parameters of now', () => {
    const old = keyFiles()[0];
    const passwd = lockstepOk(['key', 'passwd', '--new-password-file', passwordFile('renewed')], { repo, password: 'first', env: { LOCKSTEP_KDF_N: '2048', LOCKSTEP_KDF_R: '4' } });
    expect(passwd.stdout).toMatch(/^saved new key as [0-9a-f]{64}/m);
    const [renewed] = keyFiles();
    expect(renewed).not.toBe(old);
    expect(JSON.parse(readFileSync(path.join(repo, 'keys', renewed), 'utf8'))).toMatchObject({ N: 2048, r: 4, p: 1 });
    expect(runRestic(restic, repo, ['cat', 'config'], { password: 'first', allowFail: true }).code).toBe(12);
    expect(resticKeys('renewed').map((k) => k.id)).toEqual([renewed]);
  });

  it('bad sub-commands and missing new passwords are clear errors that change nothing', () => {
    const before = keyFiles();
    const bogus = lockstep(['key', 'bogus'], { repo, password: 'first' });
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('unknown key sub-command "bogus"');
    const missing = lockstep(['key', 'add', '--new-password-file', path.join(dir, 'nowhere')], { repo, password: 'first' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Fatal: cannot read the password file .*nowhere: ENOENT/m);
    const unknown = lockstep(['key', 'remove', 'ffffffffff'], { repo, password: 'first' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no key with ID "ffffffffff" found');
    expect(keyFiles()).toEqual(before);
  });

  it('the JSON-RPC backend lists, adds and removes keys as the CLI does', async () => {
    const backend = await backendFor(repo);
    const { id } = await backend.connection.sendRequest(KeyAddRequest.type, { newPasswordFile: passwordFile('rpc'), host: 'desk' });
    const { keys } = await backend.connection.sendRequest(KeyListRequest.type, {});
    expect(keys.map((k) => [k.id, k.current, k.hostName]).sort()).toEqual([[id, false, 'desk'], [keyFiles().find((k) => k !== id), true, expect.any(String)]].sort());
    await expect(backend.connection.sendRequest(KeyAddRequest.type, {})).rejects.toThrow(/newPasswordFile is required/);
    await backend.connection.sendRequest(KeyRemoveRequest.type, { id: id.slice(0, 8) });
    expect(resticKeys('first').map((k) => k.id)).toEqual(keyFiles());
    expect(keyFiles()).toHaveLength(1);
  });
});
