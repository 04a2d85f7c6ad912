import { CorruptFileError } from '../../base/errors';

/** The JSON content of a repository file, or a CorruptFileError that names the file. */
export function parseJsonFile(json: string, file: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new CorruptFileError(file, 'it is not valid JSON');
  }
}

/** A thrower for problems found in `file`, for `cond || fail('…')` style checks. */
export function failIn(file: string): (detail: string) => never {
  return (detail) => {
    throw new CorruptFileError(file, detail);
  };
}
