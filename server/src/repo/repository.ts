import { raceAbort } from '../base/abort';
import { Backend, FileHandle, FileType, NotFoundError } from '../backend/backend';
import { CiphertextVerificationError, CorruptFileError, LockstepError, NoRepositoryError } from '../base/errors';
import { encodeConfig, newConfig, parseConfig, RepoConfig } from './format/config';
import { cryptoReady, MasterKey, newRandomMasterKey, open, seal } from './format/crypto';
import { Id, isId, sha256Hex } from './format/ids';
import { parseGoTime } from './format/gotime';
import { encodeIndex, IndexFile, parseIndex } from './format/indexfile';
import { createKeyFile, KdfParams, Scrypt } from './format/key';
import { findKey } from './keyring';
import { scryptFor } from './engine/scryptlanes';
import { MasterIndex } from './format/masterindex';
import { RepositoryCaches } from './caches';
import { BlobType } from './format/pack';
import { randomIrreduciblePolynomial } from './format/polynomial';
import { parseSnapshot, Snapshot, encodeSnapshot } from './format/snapshot';
import { decodeUnpacked, encodeUnpacked, RepoVersion } from './format/unpacked';
import { zstdReady } from './format/zstd';
import { BlobDecodeError, decodeBlobBytes } from './format/blobcodec';

export type UnpackedType = 'index' | 'snapshots' | 'locks';

export interface SnapshotEntry {
  id: Id;
  snapshot: Snapshot;
}

/** An open repository: its key, config and index; reads and writes restic's files. */
export class Repository {
  private constructor(
    readonly backend: Backend,
    readonly key: MasterKey,
    readonly config: RepoConfig,
    /** The key file this session opened with. */
    readonly keyId: Id,
    /** Shared by every view of this repository (withBackend), and kept by a session between operations. */
    readonly caches: RepositoryCaches = new RepositoryCaches(),
  ) {}

  get index(): MasterIndex {
    return this.caches.index;
  }

  static async init(
    backend: Backend,
    password: string,
    options: { version?: RepoVersion; kdf?: KdfParams; signal?: AbortSignal } = {},
  ): Promise<Repository> {
    await cryptoReady();
    if (password.length === 0) throw new LockstepError('an empty password is not allowed');
    const configExists = await backend.stat({ type: 'config', name: 'config' }, options.signal).then(
      () => true,
      (err) => {
        if (err instanceof NotFoundError) return false;
        throw err;
      },
    );
    if (configExists) throw new LockstepError(`repository at ${backend.location} already exists (config file found)`);
    await backend.create(options.signal);
    const key = newRandomMasterKey();
    const config = newConfig(options.version ?? 2, randomIrreduciblePolynomial());
    const keyFile = await createKeyFile(password, key, { kdf: options.kdf, scrypt: scryptFor() });
    await backend.save({ type: 'keys', name: keyFile.id }, keyFile.bytes, options.signal);
    await backend.save({ type: 'config', name: 'config' }, seal(key, Buffer.from(encodeConfig(config))), options.signal);
    return new Repository(backend, key, config, keyFile.id);
  }

  /** Opens the repository with the key `password` opens; `scrypt` derives it (by default as scryptFor chooses). */
  static async open(backend: Backend, password: string, signal?: AbortSignal, caches?: RepositoryCaches, scrypt: Scrypt = scryptFor()): Promise<Repository> {
    await cryptoReady();
    let sealedConfig: Buffer;
    try {
      sealedConfig = await backend.load({ type: 'config', name: 'config' }, {}, signal);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NoRepositoryError(backend.location, { cause: err });
      throw err;
    }
    const { key, keyId } = await findKey(backend, password, signal, scrypt);
    let configJson: string;
    try {
      configJson = open(key, sealedConfig).toString('utf8');
    } catch (err) {
      if (err instanceof CiphertextVerificationError) {
        throw new CorruptFileError('config', 'it cannot be decrypted with the repository key (damaged, or from another repository)');
      }
      throw err;
    }
    return new Repository(backend, key, parseConfig(configJson.trimEnd()), keyId, caches);
  }

  /** The same open repository (key, config, caches) over another backend, e.g. one guarded by a lock. */
  withBackend(backend: Backend): Repository {
    return new Repository(backend, this.key, this.config, this.keyId, this.caches);
  }

  /** The same open repository with an empty index and caches of its own (prune's repacking, check's own reading). */
  withOwnCaches(): Repository {
    return new Repository(this.backend, this.key, this.config, this.keyId);
  }

  /** The same repository with the caches of `earlier`, when both have the same master key (a session reopened). */
  keepingCachesOf(earlier: Repository): Repository {
    const same = this.key.encrypt.equals(earlier.key.encrypt) && this.key.macK.equals(earlier.key.macK) && this.key.macR.equals(earlier.key.macR);
    if (!same || this.config.id !== earlier.config.id) return this;
    return new Repository(this.backend, this.key, this.config, this.keyId, earlier.caches);
  }

  get version(): RepoVersion {
    return this.config.version;
  }

  async addKey(password: string, kdf?: KdfParams, signal?: AbortSignal): Promise<Id> {
    const keyFile = await createKeyFile(password, this.key, { kdf, scrypt: scryptFor() });
    await this.backend.save({ type: 'keys', name: keyFile.id }, keyFile.bytes, signal);
    return keyFile.id;
  }

  /** Lists the IDs of one file type, leaving out names that are not restic IDs. */
  async listIds(type: FileType, signal?: AbortSignal): Promise<Id[]> {
    return (await this.backend.list(type, signal)).map((f) => f.name).filter(isId);
  }

  /** Loads, verifies and decrypts an index, snapshot or lock file; returns its JSON text. */
  async loadUnpacked(type: UnpackedType, id: Id, signal?: AbortSignal): Promise<string> {
    const handle: FileHandle = { type, name: id };
    const fileName = `${type}/${id}`;
    const bytes = await this.backend.load(handle, {}, signal);
    if (sha256Hex(bytes) !== id) throw new CorruptFileError(fileName, 'its content does not match its name (hash mismatch)');
    let plain: Buffer;
    try {
      plain = open(this.key, bytes);
    } catch (err) {
      if (err instanceof CiphertextVerificationError) throw new CorruptFileError(fileName, 'it cannot be decrypted (MAC check failed)');
      throw err;
    }
    return decodeUnpacked(plain, fileName);
  }

  /**
   * Encrypts and stores an index, snapshot or lock file; returns its ID. Lock files stay plain JSON in every
   * version (restic reads plain JSON in version 2 as well): a few hundred bytes do not shrink, and the main
   * thread need not load zstd to take a lock.
   */
  async saveUnpacked(type: UnpackedType, json: string, signal?: AbortSignal): Promise<Id> {
    const version = type === 'locks' ? 1 : this.version;
    if (version >= 2) await zstdReady();
    const bytes = seal(this.key, encodeUnpacked(version, json));
    const id = sha256Hex(bytes);
    await this.backend.save({ type, name: id }, bytes, signal);
    return id;
  }

  /**
   * Brings `this.index` up to what `index/` lists now: reads the index files not read yet and forgets the blobs of
   * those that are gone (a prune or rebuild removed them, and perhaps packs they listed). Index files never change,
   * so what was read stays true as long as its file exists. Called under the operation's lock (or in its early
   * window): what the operation then finds in the index is what the repository's index says.
   */
  async loadIndex(signal?: AbortSignal): Promise<void> {
    const early = this.caches.indexPrefetch;
    this.caches.indexPrefetch = undefined;
    // The early read does not know this signal (the lock's): a hung backend must not hold the operation past it.
    if (early) await raceAbort(signal, early);
    await this.syncIndex(signal);
  }

  /**
   * Starts reading the index while a lock is being acquired (restic waits 200 ms before it checks for other
   * locks). Nothing read this way is trusted until loadIndex, after the lock is confirmed, has listed `index/` again;
   * its errors are left for loadIndex to meet again. The commands that read the index go on to read blobs, so
   * zstd's WebAssembly (faster than the fallback) is loaded first.
   */
  prefetchIndex(signal: AbortSignal): void {
    const zstd = this.version >= 2 ? zstdReady() : Promise.resolve();
    this.caches.indexPrefetch ??= zstd.then(() => this.syncIndex(signal)).catch(() => undefined);
  }

  /** One reading of `index/` at a time (operations of a session may run side by side). */
  private async syncIndex(signal?: AbortSignal): Promise<void> {
    const before = this.caches.indexReading;
    const reading = raceAbort(signal, before.catch(() => undefined)).then(() => this.readIndexChanges(signal));
    this.caches.indexReading = reading.catch(() => undefined);
    await reading;
  }

  /** Forgets what index files now gone listed (their blobs, and trees no other file lists). */
  forgetIndexFiles(gone: readonly Id[]): void {
    if (gone.length === 0) return;
    this.index.removeFiles(gone);
    this.caches.trees.retain((id) => this.index.has('tree', id));
  }

  private async readIndexChanges(signal?: AbortSignal): Promise<void> {
    const ids = await this.listIds('index', signal);
    const present = new Set(ids);
    this.forgetIndexFiles(this.index.files().filter((id) => !present.has(id)));
    for (const id of ids) {
      if (this.index.hasFile(id)) continue;
      const index = parseIndex(await this.loadUnpacked('index', id, signal), `index/${id}`);
      if (this.version === 1 && index.packs.some((p) => p.blobs.some((b) => b.uncompressedLength !== undefined))) {
        throw new CorruptFileError(`index/${id}`, 'it lists compressed blobs, which repository version 1 does not support');
      }
      this.index.add(index, id);
    }
  }

  async saveIndex(index: IndexFile, signal?: AbortSignal): Promise<Id> {
    const id = await this.saveUnpacked('index', encodeIndex(index), signal);
    this.index.add(index, id);
    return id;
  }

  /** Loads one blob, decrypts, decompresses and checks it against its ID. */
  async loadBlob(type: BlobType, id: Id, signal?: AbortSignal): Promise<Buffer> {
    const location = this.index.lookup(type, id);
    if (!location) throw new LockstepError(`${type} blob ${id} is not in the index (the repository is missing data)`);
    const cached = type === 'tree' ? this.caches.trees.get(id) : undefined;
    if (cached) return cached;
    const { packId, blob } = location;
    const sealed = await this.readSealed(type, id, packId, blob, signal);
    const plain = this.decodeBlob(type, id, packId, sealed, blob.uncompressedLength);
    if (type === 'tree') this.caches.trees.set(id, plain);
    return plain;
  }

  /**
   * A blob's sealed bytes, read from its pack (into `into` where the backend can). A pack that ends before the
   * blob does is reported as truncated: otherwise the short read would only fail the MAC check.
   */
  async readSealed(type: BlobType, id: Id, packId: Id, blob: { offset: number; length: number }, signal?: AbortSignal, into?: Buffer): Promise<Buffer> {
    const sealed = await this.backend.load({ type: 'data', name: packId }, { offset: blob.offset, length: blob.length, into }, signal);
    if (sealed.length < blob.length) throw await this.truncatedPack(packId, `${type} blob ${id}`, blob, signal);
    return sealed;
  }

  /** The error for a pack that ends before `what` (a blob, or blobs) at `bytes` by the index does: its size if known. */
  async truncatedPack(packId: Id, what: string, bytes: { offset: number; length: number }, signal?: AbortSignal): Promise<CorruptFileError> {
    const size = await this.backend.stat({ type: 'data', name: packId }, signal).then((info) => info.size, () => undefined);
    const end = bytes.offset + bytes.length;
    const ending = size === undefined ? 'ending before the end of' : `ending at byte ${size}, ${size > bytes.offset ? 'inside' : 'before'}`;
    return new CorruptFileError(`data/${packId}`, `it is truncated, ${ending} ${what} (bytes ${bytes.offset} to ${end} by the index)`);
  }

  decodeBlob(type: BlobType, id: Id, packId: Id, sealed: Buffer, uncompressedLength: number | undefined): Buffer {
    try {
      return decodeBlobBytes(this.key, sealed, uncompressedLength, id);
    } catch (err) {
      throw blobError(type, id, packId, err);
    }
  }

  /** A blob as it is stored (sealed), with the pack it is in. */
  async loadSealed(type: BlobType, id: Id, signal?: AbortSignal): Promise<{ sealed: Buffer; packId: Id; uncompressedLength?: number }> {
    const location = this.index.lookup(type, id);
    if (!location) throw new LockstepError(`${type} blob ${id} is not in the index (the repository is missing data)`);
    const { packId, blob } = location;
    const sealed = await this.readSealed(type, id, packId, blob, signal);
    return { sealed, packId, uncompressedLength: blob.uncompressedLength };
  }

  /** What loadBlob throws when a blob in `packId` fails to open or check. */
  blobFailure(type: BlobType, id: Id, packId: Id, err: unknown): Error {
    return blobError(type, id, packId, err);
  }

  /**
   * All snapshots, oldest first by the instant they name (their texts carry any zone offset and fraction length).
   * A damaged snapshot file fails the listing, unless `onDamaged` is given: then it is left out and reported there
   * (restic 0.18 lists the others for `snapshots` and `forget`, and fails `latest`, a backup's parent and prune).
   */
  async listSnapshots(signal?: AbortSignal, onDamaged?: (damage: CorruptFileError) => void): Promise<SnapshotEntry[]> {
    const timed: { entry: SnapshotEntry; ns: bigint }[] = [];
    const ids = await this.listIds('snapshots', signal);
    const listed = new Set(ids);
    for (const id of [...this.caches.snapshotTexts.keys()]) if (!listed.has(id)) this.caches.snapshotTexts.delete(id);
    for (const id of ids) {
      let snapshot: Snapshot;
      try {
        snapshot = await this.loadSnapshot(id, signal);
      } catch (err) {
        if (!(onDamaged && err instanceof CorruptFileError)) throw err;
        onDamaged(err);
        continue;
      }
      timed.push({ entry: { id, snapshot }, ns: parseGoTime(snapshot.time) });
    }
    timed.sort((a, b) => (a.ns !== b.ns ? (a.ns < b.ns ? -1 : 1) : a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0));
    return timed.map((t) => t.entry);
  }

  async loadSnapshot(id: Id, signal?: AbortSignal): Promise<Snapshot> {
    let text = this.caches.snapshotTexts.get(id);
    if (text === undefined) {
      text = await this.loadUnpacked('snapshots', id, signal);
      this.caches.snapshotTexts.set(id, text);
    }
    return parseSnapshot(text, `snapshots/${id}`);
  }

  async saveSnapshot(snapshot: Snapshot, signal?: AbortSignal): Promise<Id> {
    return this.saveUnpacked('snapshots', encodeSnapshot(snapshot), signal);
  }

  async removeSnapshot(id: Id, signal?: AbortSignal): Promise<void> {
    await this.backend.remove({ type: 'snapshots', name: id }, signal);
    this.caches.snapshotTexts.delete(id);
  }

  /** Resolves "latest", a full ID or a unique prefix to a snapshot. */
  async findSnapshot(ref: string, signal?: AbortSignal, filter?: (s: Snapshot) => boolean): Promise<SnapshotEntry> {
    if (ref === 'latest') {
      const all = (await this.listSnapshots(signal).catch(failedOnDamage('cannot tell which snapshot is the latest'))).filter((e) => !filter || filter(e.snapshot));
      const last = all.at(-1);
      if (!last) throw new LockstepError('no snapshot found');
      return last;
    }
    if (!/^[0-9a-f]{1,64}$/.test(ref)) throw new LockstepError(`invalid snapshot ID "${ref}"`);
    const matches = (await this.listIds('snapshots', signal)).filter((id) => id.startsWith(ref));
    if (matches.length === 0) throw new LockstepError(`no snapshot matched ID "${ref}"`);
    if (matches.length > 1) throw new LockstepError(`snapshot ID prefix "${ref}" is ambiguous (${matches.length} snapshots match)`);
    return { id: matches[0], snapshot: await this.loadSnapshot(matches[0], signal) };
  }

  async close(): Promise<void> {
    await this.backend.close();
  }
}

/**
 * For a listing of snapshots that needs every one of them: a damaged snapshot file's error says first what could
 * not be done (`failed`), and after it what the user can do instead (`hint`).
 */
export function failedOnDamage(failed: string, hint = ''): (err: unknown) => never {
  return (err) => {
    if (err instanceof CorruptFileError) throw new LockstepError(`${failed}: ${err.message}${hint}`, err.exitCode, { cause: err });
    throw err;
  };
}

function blobError(type: BlobType, id: Id, packId: Id, err: unknown): Error {
  const where = `data/${packId}`;
  if (err instanceof BlobDecodeError) {
    if (err.problem === 'mac') return new CorruptFileError(where, `${type} blob ${id} cannot be decrypted (MAC check failed)`);
    if (err.problem === 'decompress') return new CorruptFileError(where, `${type} blob ${id} cannot be decompressed (${err.message})`);
    return new CorruptFileError(where, `${type} blob ${id} does not match its ID`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
