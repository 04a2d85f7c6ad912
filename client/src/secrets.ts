import * as vscode from 'vscode';

const KEY = 'lockstep.repositoryPassword';

/** The repository password lives in VS Code's SecretStorage only: never in settings, logs or JSON-RPC messages. */
export class PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(KEY);
  }

  set(password: string): Thenable<void> {
    return this.secrets.store(KEY, password);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === KEY) listener();
    });
  }
}
