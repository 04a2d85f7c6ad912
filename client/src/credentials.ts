// Credentials of remote repositories (a REST server's password, S3 access keys) live in SecretStorage, keyed by
// the repository location as the settings hold it (without a password). The backend gets them in its environment.
import * as vscode from 'vscode';
import { parseLocation, type Location } from '../../shared/src/location';

export interface RemoteCredentials {
  restPassword?: string;
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
}

const keyFor = (location: string): string => `lockstep.credentials:${location}`;

/** A REST location with its password taken out (for the settings) and the password (for SecretStorage). */
export function splitRestPassword(location: string): { location: string; password?: string } {
  const m = /^(rest:[a-z]+:\/\/[^/:@]*):([^/@]*)@(.*)$/i.exec(location);
  if (!m) return { location };
  return { location: `${m[1]}@${m[3]}`, password: decodeURIComponent(m[2]) };
}

/** What the backend process needs in its environment to reach `location` with `credentials`. */
export function credentialEnvironment(location: string, credentials: RemoteCredentials): Record<string, string> {
  const parsed = parseLocation(location);
  if (parsed.kind === 'rest' && credentials.restPassword !== undefined && parsed.username !== undefined) {
    return { RESTIC_REPOSITORY: location.replace(/^(rest:[a-z]+:\/\/[^/:@]*)@/i, `$1:${encodeURIComponent(credentials.restPassword)}@`) };
  }
  if (parsed.kind === 's3' && credentials.awsAccessKeyId && credentials.awsSecretAccessKey) {
    return { AWS_ACCESS_KEY_ID: credentials.awsAccessKeyId, AWS_SECRET_ACCESS_KEY: credentials.awsSecretAccessKey };
  }
  return {};
}

/** Which credentials a location asks for: a REST user's password, or S3 keys. */
export function credentialsNeeded(parsed: Location): 'rest' | 's3' | undefined {
  if (parsed.kind === 'rest' && parsed.username !== undefined) return 'rest';
  if (parsed.kind === 's3') return 's3';
  return undefined;
}

export class CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(location: string): Promise<RemoteCredentials> {
    const raw = await this.secrets.get(keyFor(location));
    if (!raw) return {};
    try {
      return JSON.parse(raw) as RemoteCredentials;
    } catch {
      return {};
    }
  }

  set(location: string, credentials: RemoteCredentials): Thenable<void> {
    return this.secrets.store(keyFor(location), JSON.stringify(credentials));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key.startsWith('lockstep.credentials:')) listener();
    });
  }
}

/**
 * Asks for what `location` needs (none for local folders and SFTP, whose keys come from the agent or key files).
 * Returns false when the user backed out.
 */
export async function askForCredentials(store: CredentialStore, location: string): Promise<boolean> {
  const parsed = parseLocation(location);
  const kind = credentialsNeeded(parsed);
  if (kind === 'rest' && parsed.kind === 'rest') {
    const password = await vscode.window.showInputBox({ prompt: `Password of ${parsed.username} on the REST server ${parsed.url} (kept in secret storage)`, password: true, ignoreFocusOut: true });
    if (password === undefined) return false;
    await store.set(location, { restPassword: password });
  } else if (kind === 's3') {
    const awsAccessKeyId = await vscode.window.showInputBox({ prompt: 'S3 access key ID (leave empty to use AWS_ACCESS_KEY_ID / AWS_PROFILE from the environment)', ignoreFocusOut: true });
    if (awsAccessKeyId === undefined) return false;
    if (awsAccessKeyId === '') {
      await store.set(location, {});
      return true;
    }
    const awsSecretAccessKey = await vscode.window.showInputBox({ prompt: 'S3 secret access key (kept in secret storage)', password: true, ignoreFocusOut: true });
    if (awsSecretAccessKey === undefined) return false;
    await store.set(location, { awsAccessKeyId, awsSecretAccessKey });
  }
  return true;
}
