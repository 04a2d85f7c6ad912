import { LockstepError } from '../base/errors';
import { encodeMasterKeyJson } from '../repo/format/key';
import { encodeConfig } from '../repo/format/config';
import { isId } from '../repo/format/ids';
import { Repository } from '../repo/repository';

export const CAT_TYPES = ['config', 'index', 'snapshot', 'lock', 'key', 'masterkey', 'blob', 'tree'] as const;
export type CatType = (typeof CAT_TYPES)[number];

/** The decrypted content of one repository object, as `restic cat` prints it. */
export async function cat(repo: Repository, type: string, ref: string | undefined, signal?: AbortSignal): Promise<Buffer | string> {
  if (!(CAT_TYPES as readonly string[]).includes(type)) {
    throw new LockstepError(`invalid type "${type}" for cat; use one of: ${CAT_TYPES.join(', ')}`);
  }
  const needId = (): string => {
    if (!ref) throw new LockstepError(`cat ${type} needs an ID`);
    return ref;
  };
  switch (type as CatType) {
    case 'config':
      return encodeConfig(repo.config);
    case 'masterkey':
      return encodeMasterKeyJson(repo.key);
    case 'snapshot':
      return repo.loadUnpacked('snapshots', (await repo.findSnapshot(needId(), signal)).id, signal);
    case 'index':
      return repo.loadUnpacked('index', await resolveId(repo, 'index', needId(), signal), signal);
    case 'lock':
      return repo.loadUnpacked('locks', await resolveId(repo, 'locks', needId(), signal), signal);
    case 'key': {
      const id = await resolveId(repo, 'keys', needId(), signal);
      return (await repo.backend.load({ type: 'keys', name: id }, {}, signal)).toString('utf8');
    }
    case 'blob':
    case 'tree': {
      const id = needId();
      if (!isId(id)) throw new LockstepError(`invalid blob ID "${id}": blobs need the full 64-character ID`);
      await repo.loadIndex(signal);
      const blobType = type === 'tree' ? 'tree' : repo.index.has('data', id) ? 'data' : 'tree';
      return repo.loadBlob(blobType, id, signal);
    }
  }
}

async function resolveId(repo: Repository, type: 'index' | 'locks' | 'keys', ref: string, signal?: AbortSignal): Promise<string> {
  const matches = (await repo.listIds(type, signal)).filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new LockstepError(`no ${type} file matches "${ref}"`);
  throw new LockstepError(`"${ref}" is ambiguous: ${matches.length} ${type} files match`);
}
