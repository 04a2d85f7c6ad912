// The VS Code extension client: built out by the extension issue.
export function activate(): void {}
export function deactivate(): void {}
