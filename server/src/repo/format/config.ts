import { randomBytes } from 'node:crypto';
import { CorruptFileError } from '../../base/errors';
import { parseJsonFile } from './jsonfile';
import { Polynomial, polynomialFromHex, polynomialToHex } from './polynomial';
import { RepoVersion } from './unpacked';

export interface RepoConfig {
  version: RepoVersion;
  id: string;
  chunkerPolynomial: Polynomial;
}

export function newConfig(version: RepoVersion, chunkerPolynomial: Polynomial): RepoConfig {
  return { version, id: randomBytes(32).toString('hex'), chunkerPolynomial };
}

export function encodeConfig(config: RepoConfig): string {
  return JSON.stringify({
    version: config.version,
    id: config.id,
    chunker_polynomial: polynomialToHex(config.chunkerPolynomial),
  });
}

export function parseConfig(json: string): RepoConfig {
  const raw = parseJsonFile(json, 'config');
  if (typeof raw !== 'object' || raw === null) throw new CorruptFileError('config', 'it is not a JSON object');
  const { version, id, chunker_polynomial: pol } = raw as Record<string, unknown>;
  if (version !== 1 && version !== 2) {
    throw new CorruptFileError('config', `unsupported repository version ${JSON.stringify(version)} (1 and 2 are supported)`);
  }
  if (typeof id !== 'string' || id.length === 0) throw new CorruptFileError('config', 'the repository ID is missing');
  if (typeof pol !== 'string') throw new CorruptFileError('config', 'the chunker polynomial is missing');
  return { version, id, chunkerPolynomial: polynomialFromHex(pol) };
}
