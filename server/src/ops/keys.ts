// restic's key list / add / passwd / remove: several passwords for one master key, each a key file under keys/.
// A new key seals the repository's master key with the new password, in restic's key file format (so restic opens
// it, and we open restic's); it is opened again before it counts as saved. The key the repository was opened with
// is never removed by `remove` (restic refuses the same), only replaced by `passwd`.
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Id, isId, sha256Hex } from '../repo/format/ids';
import { createKeyFile, KdfParams, openKeyFile } from '../repo/format/key';
import { scryptFor } from '../repo/engine/scryptlanes';
import { Repository } from '../repo/repository';

export interface KeyListing {
  id: Id;
  current: boolean;
  username: string;
  hostname: string;
  /** The key file's "created" (RFC 3339, as Go wrote it). */
  created: string;
  /** Why the key file could not be read (it is still listed). */
  error?: string;
}

/** Every key file with its owner and creation time (key files' metadata is plain JSON: no password needed). */
export async function listKeys(repo: Repository, signal?: AbortSignal): Promise<KeyListing[]> {
  const files = (await repo.backend.list('keys', signal)).filter((f) => isId(f.name));
  const listed: KeyListing[] = [];
  for (const file of files) {
    throwIfAborted(signal);
    const bytes = await repo.backend.load({ type: 'keys', name: file.name }, {}, signal);
    const base = { id: file.name, current: file.name === repo.keyId, username: '', hostname: '', created: '' };
    try {
      if (sha256Hex(bytes) !== file.name) throw new Error('its content does not match its name (hash mismatch)');
      const json: unknown = JSON.parse(bytes.toString('utf8'));
      if (typeof json !== 'object' || json === null) throw new Error('not a JSON object');
      const text = (v: unknown): string => (typeof v === 'string' ? v : '');
      const fields = json as Record<string, unknown>;
      listed.push({ ...base, username: text(fields.username), hostname: text(fields.hostname), created: text(fields.created) });
    } catch (err) {
      listed.push({ ...base, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return listed;
}

export interface NewKey {
  password: string;
  kdf: KdfParams;
  username?: string;
  hostname?: string;
}

/** Saves a key file for `key.password` and checks that it opens to the repository's master key; its ID. */
export async function addKey(repo: Repository, key: NewKey, signal?: AbortSignal): Promise<Id> {
  if (key.password.length === 0) throw new LockstepError('an empty password is not allowed');
  const file = await createKeyFile(key.password, repo.key, { kdf: key.kdf, username: key.username, hostname: key.hostname, scrypt: scryptFor() });
  const opened = await openKeyFile(file.id, file.bytes, key.password, scryptFor());
  if (!opened.encrypt.equals(repo.key.encrypt) || !opened.macK.equals(repo.key.macK) || !opened.macR.equals(repo.key.macR)) {
    throw new LockstepError('the new key file does not open to the repository key; nothing was saved');
  }
  throwIfAborted(signal);
  await repo.backend.save({ type: 'keys', name: file.id }, file.bytes, signal);
  return file.id;
}

/** The key file a full ID or unique prefix names. */
export async function findKeyId(repo: Repository, prefix: string, signal?: AbortSignal): Promise<Id> {
  const ids = (await repo.backend.list('keys', signal)).map((f) => f.name).filter((name) => isId(name) && name.startsWith(prefix));
  if (prefix === '' || ids.length === 0) throw new LockstepError(`no key with ID ${JSON.stringify(prefix)} found`);
  if (ids.length > 1) throw new LockstepError(`the prefix ${JSON.stringify(prefix)} matches ${ids.length} keys; give more of the ID`);
  return ids[0];
}

/** Removes the key `prefix` names, unless it is the one the repository was opened with. */
export async function removeKey(repo: Repository, prefix: string, signal?: AbortSignal): Promise<Id> {
  const id = await findKeyId(repo, prefix, signal);
  if (id === repo.keyId) throw new LockstepError('refusing to remove key currently used to access repository');
  await repo.backend.remove({ type: 'keys', name: id }, signal);
  return id;
}

/** Adds a key for the new password, then removes the one in use: the new key is saved before the old one goes. */
export async function changePassword(repo: Repository, key: NewKey, signal?: AbortSignal): Promise<{ id: Id; removed: Id }> {
  const id = await addKey(repo, key, signal);
  await repo.backend.remove({ type: 'keys', name: repo.keyId }, signal);
  return { id, removed: repo.keyId };
}
