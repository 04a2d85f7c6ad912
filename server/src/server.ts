// The extension's backend process (JSON-RPC over vscode-languageserver): built out by the extension issue.
export {};
