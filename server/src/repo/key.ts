import { randomBytes, scrypt } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { CiphertextVerificationError, CorruptFileError, WrongPasswordError } from '../errors';
import { MasterKey, isValidMasterKey, open, seal } from './crypto';
import { formatGoTime } from './gotime';
import { Id, sha256Hex } from './ids';

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** What restic's calibration picks on a typical machine; tests lower N through LOCKSTEP_KDF_*. */
export const DEFAULT_KDF_PARAMS: KdfParams = { N: 32768, r: 8, p: 1 };
const SALT_SIZE = 64;

export interface KeyFileJson {
  created: string;
  username?: string;
  hostname?: string;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  data: string;
}

function kdfFromEnvironment(): KdfParams {
  const n = Number(process.env.LOCKSTEP_KDF_N);
  if (!Number.isInteger(n) || n <= 1) return DEFAULT_KDF_PARAMS;
  return { N: n, r: Number(process.env.LOCKSTEP_KDF_R) || 8, p: Number(process.env.LOCKSTEP_KDF_P) || 1 };
}

function deriveUserKey(password: string, salt: Buffer, kdf: KdfParams): Promise<MasterKey> {
  return new Promise((resolve, reject) => {
    const maxmem = 128 * kdf.N * kdf.r * (kdf.p + 2) + 64 * 1024 * 1024;
    scrypt(Buffer.from(password, 'utf8'), salt, 64, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (err, dk) => {
      if (err) reject(err);
      else resolve({ encrypt: dk.subarray(0, 32), macK: dk.subarray(32, 48), macR: dk.subarray(48, 64) });
    });
  });
}

export function encodeMasterKeyJson(k: MasterKey): string {
  return JSON.stringify({ mac: { k: k.macK.toString('base64'), r: k.macR.toString('base64') }, encrypt: k.encrypt.toString('base64') });
}

export function decodeMasterKeyJson(json: string): MasterKey {
  const raw = JSON.parse(json) as { mac?: { k?: unknown; r?: unknown }; encrypt?: unknown };
  const b64 = (v: unknown, size: number): Buffer => {
    if (typeof v !== 'string') throw new Error('a master key field is missing');
    const b = Buffer.from(v, 'base64');
    if (b.length !== size) throw new Error('a master key field has the wrong length');
    return b;
  };
  const key = { encrypt: b64(raw.encrypt, 32), macK: b64(raw.mac?.k, 16), macR: b64(raw.mac?.r, 16) };
  if (!isValidMasterKey(key)) throw new Error('the master key is all zeros');
  return key;
}

export async function createKeyFile(
  password: string,
  master: MasterKey,
  options: { kdf?: KdfParams; username?: string; hostname?: string; now?: Date } = {},
): Promise<{ id: Id; bytes: Buffer }> {
  const kdf = options.kdf ?? kdfFromEnvironment();
  const salt = randomBytes(SALT_SIZE);
  const userKey = await deriveUserKey(password, salt, kdf);
  const json: KeyFileJson = {
    created: formatGoTime(BigInt((options.now ?? new Date()).getTime()) * 1_000_000n),
    username: options.username ?? safeUserName(),
    hostname: options.hostname ?? hostname(),
    kdf: 'scrypt',
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    salt: salt.toString('base64'),
    data: seal(userKey, Buffer.from(encodeMasterKeyJson(master))).toString('base64'),
  };
  const bytes = Buffer.from(JSON.stringify(json));
  return { id: sha256Hex(bytes), bytes };
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** Field lookup that ignores case, as Go's JSON decoder does. */
function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export async function openKeyFile(name: string, bytes: Uint8Array, password: string): Promise<MasterKey> {
  const file = `keys/${name}`;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new CorruptFileError(file, 'it is not a valid key file (not JSON)');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CorruptFileError(file, 'it is not a valid key file (not a JSON object)');
  const obj = raw as Record<string, unknown>;
  const kdfName = field(obj, 'kdf');
  if (kdfName !== 'scrypt') throw new CorruptFileError(file, `unsupported key derivation function ${JSON.stringify(kdfName)}`);
  const N = field(obj, 'N');
  const r = field(obj, 'r');
  const p = field(obj, 'p');
  const isPow2 = typeof N === 'number' && Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!isPow2 || typeof r !== 'number' || !Number.isInteger(r) || r < 1 || typeof p !== 'number' || !Number.isInteger(p) || p < 1 || r * p >= 1 << 30) {
    throw new CorruptFileError(file, 'invalid scrypt parameters');
  }
  const salt = field(obj, 'salt');
  const data = field(obj, 'data');
  if (typeof salt !== 'string' || Buffer.from(salt, 'base64').length !== SALT_SIZE) throw new CorruptFileError(file, 'the salt is missing or not 64 bytes');
  if (typeof data !== 'string' || data.length === 0) throw new CorruptFileError(file, 'the encrypted master key is missing');
  const userKey = await deriveUserKey(password, Buffer.from(salt, 'base64'), { N: N as number, r, p });
  let plain: Buffer;
  try {
    plain = open(userKey, Buffer.from(data, 'base64'));
  } catch (err) {
    if (err instanceof CiphertextVerificationError) throw new WrongPasswordError();
    throw err;
  }
  try {
    return decodeMasterKeyJson(plain.toString('utf8'));
  } catch (err) {
    throw new CorruptFileError(file, `the master key inside is invalid (${(err as Error).message})`);
  }
}
