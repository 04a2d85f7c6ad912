// Key files (restic-format.md §2.2): keys/<sha256 of the file> holds the master key sealed with a key derived
// from the password by scrypt (dkLen 64: 32 bytes AES | 16 bytes k | 16 bytes r).
import { randomBytes, scrypt } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { CiphertextVerificationError, CorruptFileError, LockstepError, WrongPasswordError } from '../../base/errors';
import { CRYPTO_OVERHEAD, MasterKey, isValidMasterKey, open, seal } from './crypto';
import { formatGoTime } from './gotime';
import { Id, sha256Hex } from './ids';
import { trace } from '../../base/trace';

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/**
 * What restic 0.14's calibration (simple-scrypt: at most 60 MiB, about 500 ms) writes on this project's machines:
 * measured N=32768, r=8, p=4 to 7 (p is the part that varies from run to run). The base for LOCKSTEP_KDF_N /
 * LOCKSTEP_KDF_R / LOCKSTEP_KDF_P when only some are given; with none, new keys are calibrated (calibrateKdf).
 */
export const DEFAULT_KDF_PARAMS: KdfParams = Object.freeze({ N: 32768, r: 8, p: 7 });

/** restic's calibration targets: a key derivation takes about this long on the machine that makes the key… */
export const KDF_TARGET_MS = 500;
/** …and needs no more memory than this. */
export const KDF_MAX_MEMORY = 60 * 1024 * 1024;
/** simple-scrypt's default N; calibration does not go below it even on a slow machine. */
const KDF_MIN_N = 16384;

const SALT_SIZE = 64;
/** scrypt needs about 128*N*r bytes; refuse key files asking for more than this rather than trying. */
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;

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

/**
 * Why these parameters would be refused (by Go's scrypt, simple-scrypt's Check, or our memory cap), or undefined
 * when they are fine. N must be a power of two above 1, r and p at least 1, r*p below 2^30.
 */
function kdfProblem(kdf: KdfParams): string | undefined {
  const { N, r, p } = kdf;
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  const powerOfTwo = (v: number): boolean => {
    while (v > 1 && v % 2 === 0) v /= 2;
    return v === 1;
  };
  if (!isInt(N) || N <= 1 || !powerOfTwo(N)) return `N must be a power of two above 1 (got ${String(N)})`;
  if (!isInt(r) || r < 1) return `r must be a whole number of at least 1 (got ${String(r)})`;
  if (!isInt(p) || p < 1) return `p must be a whole number of at least 1 (got ${String(p)})`;
  if (r * p >= 2 ** 30) return `r*p must be below 2^30 (got r=${r}, p=${p})`;
  if (128 * N * r > MAX_SCRYPT_MEMORY) return `N=${N}, r=${r} needs ${Math.ceil((128 * N * r) / 2 ** 20)} MiB, more than the ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB allowed`;
  return undefined;
}

/** At most this many lanes, whatever the timings say: restic 0.14 writes 4 to 7 here, and p = 228 (seen) makes every open take 20 s. */
export const KDF_MAX_P = 16;
/** Each timing is taken this many times and the median used: one pause, or the first run's warm-up, is outvoted. */
const KDF_SAMPLES = 3;

/**
 * Parameters for a new key, as restic chooses them: r = 8, the largest N whose memory (128·N·r) fits in
 * KDF_MAX_MEMORY, and as many lanes p as fit in KDF_TARGET_MS on this machine (measured with one lane and two;
 * each further lane costs what the second did). On a machine too slow for one lane in time N is halved, down to
 * simple-scrypt's 16384. `measureMs` times one derivation (injected by tests).
 *
 * One pair of timings is not enough: the first derivation also warms up the WebAssembly (225 ms for one lane then
 * 249 ms for two, against 175 and 265 ms after), and a pause in the one-lane run does the same, so the second lane
 * looks nearly free and p explodes (p = 228 was seen, 1 init in ~27). So each timing is taken KDF_SAMPLES times in
 * pairs and the medians used; p is clamped to 1…KDF_MAX_P; and where the timings cannot be right (not positive and
 * finite, or a second lane costing under a quarter or over twice the first) the result is DEFAULT_KDF_PARAMS.
 */
export async function calibrateKdf(measureMs: (kdf: KdfParams) => Promise<number> = timeDerivation): Promise<KdfParams> {
  const r = 8;
  let N = 2 ** Math.floor(Math.log2(KDF_MAX_MEMORY / (128 * r)));
  let timed = await timeLanes(measureMs, N, r);
  while (timed.oneLane > KDF_TARGET_MS && N > KDF_MIN_N) {
    N /= 2;
    timed = await timeLanes(measureMs, N, r);
  }
  const { oneLane, lane } = timed;
  const plausible = [oneLane, lane].every((ms) => Number.isFinite(ms) && ms > 0) && lane >= oneLane / 4 && lane <= oneLane * 2;
  if (!plausible) {
    trace(`kdf calibration: timings disagree (one lane ${oneLane} ms, each further lane ${lane} ms); restic's usual parameters`);
    return { ...DEFAULT_KDF_PARAMS };
  }
  const p = 1 + Math.floor((KDF_TARGET_MS - oneLane) / lane);
  return { N, r, p: Math.min(KDF_MAX_P, Math.max(1, p)) };
}

/** Medians of KDF_SAMPLES pairs of timings: one lane, and what a second lane adds in the same pair. */
async function timeLanes(measureMs: (kdf: KdfParams) => Promise<number>, N: number, r: number): Promise<{ oneLane: number; lane: number }> {
  const oneLane: number[] = [];
  const lane: number[] = [];
  for (let i = 0; i < KDF_SAMPLES; i++) {
    const one = await measureMs({ N, r, p: 1 });
    const two = await measureMs({ N, r, p: 2 });
    oneLane.push(one);
    lane.push(two - one);
  }
  return { oneLane: median(oneLane), lane: median(lane) };
}

/** The middle value; NaN if any value is NaN (sorting would put it anywhere). */
function median(values: number[]): number {
  if (values.some(Number.isNaN)) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One derivation by OpenSSL's scrypt, whatever derives keys here later: lanes one after another are what restic and
 * other clients pay to open the key, and what its 500 ms are about.
 */
async function timeDerivation(kdf: KdfParams): Promise<number> {
  const started = process.hrtime.bigint();
  await opensslScrypt(Buffer.from('calibration'), randomBytes(SALT_SIZE), kdf, 64);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** LOCKSTEP_KDF_N / _R / _P when any is set (tests use cheap ones), else calibrated parameters. */
export async function chooseKdf(env: NodeJS.ProcessEnv = process.env): Promise<KdfParams> {
  const given = ['LOCKSTEP_KDF_N', 'LOCKSTEP_KDF_R', 'LOCKSTEP_KDF_P'].some((name) => (env[name] ?? '').trim() !== '');
  return given ? kdfFromEnvironment(env) : calibrateKdf();
}

/** DEFAULT_KDF_PARAMS with any LOCKSTEP_KDF_N / _R / _P override applied; a bad value is an error, not ignored. */
export function kdfFromEnvironment(env: NodeJS.ProcessEnv = process.env): KdfParams {
  const read = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text.trim() === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new LockstepError(`${name} must be a whole number (got ${JSON.stringify(text)})`);
    return value;
  };
  const kdf = { N: read('LOCKSTEP_KDF_N', DEFAULT_KDF_PARAMS.N), r: read('LOCKSTEP_KDF_R', DEFAULT_KDF_PARAMS.r), p: read('LOCKSTEP_KDF_P', DEFAULT_KDF_PARAMS.p) };
  const problem = kdfProblem(kdf);
  if (problem !== undefined) throw new LockstepError(`invalid scrypt parameters from LOCKSTEP_KDF_*: ${problem}`);
  return kdf;
}

/**
 * scrypt(password, salt, kdf.N, kdf.r, kdf.p, dkLen): how a key file's user key is derived. The format's own is
 * OpenSSL's; a caller that may use threads passes a faster one (repo/engine/scryptlanes.ts).
 */
export type Scrypt = (password: Buffer, salt: Buffer, kdf: KdfParams, dkLen: number) => Promise<Buffer>;

/**
 * OpenSSL's scrypt on libuv's thread pool, one lane after another (as restic's). For restic's N=2^15, r=8 its
 * 32 MiB come in transparent huge pages where bin/lockstep asks glibc for them (8,192 page faults were 130 ms).
 */
export const opensslScrypt: Scrypt = (password, salt, kdf, dkLen) =>
  new Promise((resolve, reject) => {
    // Node refuses anything above maxmem (default 32 MiB, too small for N=32768, r=8); need is ~128*N*r + 128*r*p.
    const maxmem = 128 * kdf.N * kdf.r + 128 * kdf.r * kdf.p + 16 * 1024 * 1024;
    scrypt(password, salt, dkLen, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (err, dk) => (err ? reject(err) : resolve(dk)));
  });

async function deriveUserKey(password: string, salt: Buffer, kdf: KdfParams, derive: Scrypt): Promise<MasterKey> {
  const dk = await derive(Buffer.from(password, 'utf8'), salt, kdf, 64);
  trace('key derived');
  return userKeyOf(dk);
}

function userKeyOf(dk: Buffer): MasterKey {
  return { encrypt: dk.subarray(0, 32), macK: dk.subarray(32, 48), macR: dk.subarray(48, 64) };
}

/** The master key as restic stores it inside a key file: {"mac":{"k":..,"r":..},"encrypt":..}. */
export function encodeMasterKeyJson(k: MasterKey): string {
  return JSON.stringify({ mac: { k: k.macK.toString('base64'), r: k.macR.toString('base64') }, encrypt: k.encrypt.toString('base64') });
}

/**
 * Go's encoding/json matches object keys to field names case-insensitively (an exact match preferred), folding
 * the Kelvin sign to k and the long s to s as well. Later keys overwrite earlier ones, as in Go.
 */
function goFold(s: string): string {
  return s.replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase();
}

function goField(obj: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const want = goFold(name);
  let found: unknown;
  for (const [k, v] of Object.entries(obj)) if (goFold(k) === want) found = v;
  return found;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes base64 as Go's JSON decoder does for []byte: standard alphabet, padding required; CR and LF are
 * ignored. Returns undefined for anything else (Node's own decoder would silently skip bad characters).
 */
function strictBase64(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** Parses and checks the decrypted master key JSON. Throws a LockstepError saying what is wrong. */
export function decodeMasterKeyJson(json: string): MasterKey {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LockstepError('invalid master key: not JSON');
  }
  if (!isPlainObject(raw)) throw new LockstepError('invalid master key: not a JSON object');
  const mac = goField(raw, 'mac');
  if (!isPlainObject(mac)) throw new LockstepError('invalid master key: "mac" is missing or not an object');
  const part = (value: unknown, what: string, size: number): Buffer => {
    if (typeof value !== 'string') throw new LockstepError(`invalid master key: ${what} is missing or not a string`);
    const bytes = strictBase64(value);
    if (bytes === undefined) throw new LockstepError(`invalid master key: ${what} is not valid base64`);
    if (bytes.length !== size) throw new LockstepError(`invalid master key: ${what} is ${bytes.length} bytes, not ${size}`);
    return bytes;
  };
  const key: MasterKey = {
    encrypt: part(goField(raw, 'encrypt'), '"encrypt"', 32),
    macK: part(goField(mac, 'k'), '"mac.k"', 16),
    macR: part(goField(mac, 'r'), '"mac.r"', 16),
  };
  if (!isValidMasterKey(key)) throw new LockstepError('invalid master key: a part of it is all zeros');
  return key;
}

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return ''; // no passwd entry for this uid (some containers)
  }
}

/**
 * A new key file for `master`, protected by `password`: plain JSON in restic's field order, no trailing newline.
 * Its ID (and file name under keys/) is the SHA-256 of the bytes. KDF parameters: options.kdf, else
 * chooseKdf (LOCKSTEP_KDF_* or calibrated).
 */
export async function createKeyFile(
  password: string,
  master: MasterKey,
  options: { kdf?: KdfParams; username?: string; hostname?: string; now?: Date; scrypt?: Scrypt } = {},
): Promise<{ id: Id; bytes: Buffer }> {
  if (!isValidMasterKey(master)) throw new LockstepError('refusing to store an invalid master key (wrong sizes or an all-zero part)');
  const kdf = options.kdf ?? (await chooseKdf());
  const problem = kdfProblem(kdf);
  if (problem !== undefined) throw new LockstepError(`invalid scrypt parameters: ${problem}`);
  const salt = randomBytes(SALT_SIZE);
  const userKey = await deriveUserKey(password, salt, kdf, options.scrypt ?? opensslScrypt);
  const json: KeyFileJson = {
    created: formatGoTime(BigInt((options.now ?? new Date()).getTime()) * 1_000_000n),
    // restic always writes both (no omitempty), empty when unknown.
    username: options.username ?? currentUserName(),
    hostname: options.hostname ?? hostname(),
    kdf: 'scrypt',
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    salt: salt.toString('base64'),
    data: seal(userKey, Buffer.from(encodeMasterKeyJson(master), 'utf8')).toString('base64'),
  };
  const bytes = Buffer.from(JSON.stringify(json), 'utf8');
  return { id: sha256Hex(bytes), bytes };
}

/**
 * Opens keys/<name> with `password`. A wrong password (the MAC check on the sealed master key fails) is a
 * WrongPasswordError, so a caller can go on to the next key file; anything malformed is a CorruptFileError.
 */
export async function openKeyFile(name: string, bytes: Uint8Array, password: string, derive: Scrypt = opensslScrypt): Promise<MasterKey> {
  const file = `keys/${name}`;
  const corrupt = (detail: string): CorruptFileError => new CorruptFileError(file, detail);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw corrupt('it is not a valid key file (not JSON)');
  }
  if (!isPlainObject(raw)) throw corrupt('it is not a valid key file (not a JSON object)');

  const kdfName = goField(raw, 'kdf');
  if (kdfName !== 'scrypt') throw corrupt(`unsupported key derivation function ${JSON.stringify(kdfName ?? null)} (only "scrypt" is supported)`);
  const kdf = { N: goField(raw, 'N'), r: goField(raw, 'r'), p: goField(raw, 'p') };
  const problem = kdfProblem(kdf as KdfParams); // kdfProblem checks the types itself
  if (problem !== undefined) throw corrupt(`invalid scrypt parameters: ${problem}`);

  const saltText = goField(raw, 'salt');
  if (typeof saltText !== 'string') throw corrupt('the salt is missing');
  const salt = strictBase64(saltText);
  if (salt === undefined) throw corrupt('the salt is not valid base64');
  if (salt.length !== SALT_SIZE) throw corrupt(`the salt is ${salt.length} bytes, not ${SALT_SIZE}`);

  const dataText = goField(raw, 'data');
  if (typeof dataText !== 'string' || dataText === '') throw corrupt('the encrypted master key ("data") is missing');
  const data = strictBase64(dataText);
  if (data === undefined) throw corrupt('the encrypted master key ("data") is not valid base64');
  if (data.length < CRYPTO_OVERHEAD) throw corrupt(`the encrypted master key ("data") is only ${data.length} bytes`);

  let userKey: MasterKey;
  try {
    userKey = await deriveUserKey(password, salt, kdf as KdfParams, derive);
  } catch (err) {
    throw corrupt(`scrypt failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  let plain: Buffer;
  try {
    plain = open(userKey, data);
  } catch (err) {
    if (err instanceof CiphertextVerificationError) throw new WrongPasswordError();
    throw err;
  }
  try {
    return decodeMasterKeyJson(plain.toString('utf8'));
  } catch (err) {
    throw corrupt(`the master key inside is invalid (${err instanceof Error ? err.message : String(err)})`);
  }
}
