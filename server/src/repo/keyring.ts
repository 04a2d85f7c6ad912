// Finding the key file a password opens, and telling a damaged key file from a wrong password.
//
// A key file is named by the SHA-256 of its bytes (restic 0.18 refuses one that is not: "invalid data returned"),
// so damage anywhere in it shows as a hash mismatch. Without that check a flipped byte in its sealed master key
// only made the MAC fail, which reads as "wrong password". A mismatched file is still tried (damage to "created"
// or "hostname" does not stop the password from opening it, and the MAC proves the master key sound); when it does
// not open, it counts as damaged, not as a wrong password. A file that does not parse is damaged too, and the
// next key file is tried (restic gives up at the first one).
//
// What cannot be told apart: a well-formed key file whose MAC fails was sealed with another password, or damaged
// in a way that kept its name's hash (no such damage is known). So only files that are provably damaged are called
// damaged, and when intact key files also refused the password, the error says "wrong password" and names the
// damaged ones as the other possibility.
import { Backend } from '../backend/backend';
import { throwIfAborted } from '../base/abort';
import { CorruptFileError, ExitCode, LockstepError, WrongPasswordError } from '../base/errors';
import { MasterKey } from './format/crypto';
import { Id, isId, sha256Hex } from './format/ids';
import { openKeyFile, Scrypt } from './format/key';
import { scryptFor } from './engine/scryptlanes';

/** restic tries at most this many key files before giving up. */
const MAX_KEYS_TRIED = 20;

/** Every key file the password was tried on was damaged (exit code 1, as restic's "invalid data returned"). */
export class DamagedKeysError extends LockstepError {
  constructor(readonly damaged: CorruptFileError[]) {
    super(damaged.length === 1 ? damaged[0].message : `no key file could be read, all ${damaged.length} are damaged: ${damaged.map((e) => e.message).join('; ')}`, ExitCode.fatal);
  }
}

/** The master key from the first key file that `password` opens, and that file's ID. */
export async function findKey(backend: Backend, password: string, signal?: AbortSignal, scrypt: Scrypt = scryptFor()): Promise<{ key: MasterKey; keyId: Id }> {
  const keyFiles = (await backend.list('keys', signal)).filter((f) => isId(f.name)).slice(0, MAX_KEYS_TRIED);
  if (keyFiles.length === 0) throw new LockstepError(`no key files found in repository at ${backend.location}`);
  const damaged: CorruptFileError[] = [];
  let refused = 0;
  for (const file of keyFiles) {
    throwIfAborted(signal);
    const bytes = await backend.load({ type: 'keys', name: file.name }, {}, signal);
    const intact = sha256Hex(bytes) === file.name;
    try {
      return { key: await openKeyFile(file.name, bytes, password, scrypt), keyId: file.name };
    } catch (err) {
      if (err instanceof CorruptFileError) damaged.push(err);
      else if (!(err instanceof WrongPasswordError)) throw err;
      else if (intact) refused++;
      else damaged.push(new CorruptFileError(`keys/${file.name}`, 'its content does not match its name (hash mismatch)'));
    }
  }
  if (refused === 0) throw new DamagedKeysError(damaged);
  if (damaged.length === 0) throw new WrongPasswordError();
  throw new WrongPasswordError(`wrong password or no key found (or the password is that of a damaged key file: ${damaged.map((e) => e.message).join('; ')})`);
}
