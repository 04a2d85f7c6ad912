// `node scripts/check-layers.mjs [ROOT]` (run by `npm test`): fails when a module imports across a layer it must
// not, naming the file, the line and the rule's reason. Every import of every source file under client/, server/
// and shared/ (static, type-only, dynamic and require) is resolved with TypeScript's own module resolution and the
// project's tsconfig.json, then checked against the table below. A script over the compiler API the project
// already depends on, rather than dependency-cruiser (a new dependency with its own tree of them) or TypeScript
// project references (a tsconfig per layer and a build order: a restructure of the whole tree for five rules).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const TRANSPORTS = ['server/src/cli/', 'server/src/cli.ts', 'server/src/cliloader.ts', 'server/src/rpc/', 'server/src/server.ts'];

/**
 * Each rule: files under `from` must not import files under any of `forbidden` (a folder ends with a slash),
 * except those under `allowed`.
 * @type {{ from: string; forbidden: string[]; allowed?: string[]; reason: string }[]}
 */
export const RULES = [
  {
    from: 'client/',
    forbidden: ['server/'],
    reason: 'the extension imports only the shared contract, never the server (its bundle must hold no server code)',
  },
  {
    from: 'shared/',
    forbidden: ['server/', 'client/'],
    reason: 'the shared contract and location parsing are imported by the extension: nothing of the server may come with them',
  },
  {
    from: 'server/src/base/',
    forbidden: ['server/src/', 'client/'],
    allowed: ['server/src/base/'],
    reason: 'base pieces (clock, retry, errors, ...) sit below every other layer',
  },
  {
    from: 'server/src/repo/',
    forbidden: ['server/src/ops/', ...TRANSPORTS],
    reason: 'the format layer knows no operation and no transport',
  },
  {
    from: 'server/src/repo/format/',
    forbidden: ['server/src/repo/', 'server/src/backend/', 'server/src/lock/'],
    allowed: ['server/src/repo/format/', 'server/src/repo/wasm/'],
    reason: "the restic format (encoding, crypto, chunking) uses only the WebAssembly kernels: no threads, no backend, no lock",
  },
  {
    from: 'server/src/repo/wasm/',
    forbidden: ['server/src/repo/', 'server/src/backend/', 'server/src/lock/'],
    allowed: ['server/src/repo/wasm/'],
    reason: 'the WebAssembly kernels are leaves: the format and the engine use them, they use neither',
  },
  {
    from: 'server/src/backend/',
    forbidden: ['server/src/repo/', 'server/src/lock/'],
    reason: 'backends store bytes under names: they know neither the repository format nor the locks',
  },
  {
    from: 'server/src/ops/',
    forbidden: TRANSPORTS,
    reason: 'operations are run by the CLI and the JSON-RPC backend alike, and import neither',
  },
  {
    from: 'server/src/lock/',
    forbidden: ['server/src/ops/'],
    reason: 'the lock is applied around operations (runLocked and the guarded backend) and knows none of them',
  },
];

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SOURCE_ROOTS = ['client', 'server', 'shared'];

function sourceFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const top of SOURCE_ROOTS) if (existsSync(path.join(root, top))) walk(path.join(root, top));
  return files.sort();
}

function compilerOptions(root) {
  const configPath = path.join(root, 'tsconfig.json');
  if (!existsSync(configPath)) return { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, allowJs: true };
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return { ...ts.parseJsonConfigFileContent(config, ts.sys, root).options, allowJs: true };
}

const under = (file, prefix) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix);

/** The rule `from` (relative to the root, with forward slashes) breaks by importing `to`, if any. */
export function brokenRule(from, to) {
  return RULES.find(
    (rule) => under(from, rule.from) && rule.forbidden.some((f) => under(to, f)) && !(rule.allowed ?? []).some((a) => under(to, a)),
  );
}

/** Every import across a forbidden line under `root`: file, line, what it imports and the rule's reason. */
export function findViolations(root) {
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options);
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  const relative = (file) => path.relative(root, file).split(path.sep).join('/');
  const violations = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const imported of importedFiles) {
      const resolved = ts.resolveModuleName(imported.fileName, file, options, host, cache).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const to = relative(path.resolve(resolved.resolvedFileName));
      const from = relative(file);
      const rule = brokenRule(from, to);
      if (!rule) continue;
      const line = text.slice(0, imported.pos).split('\n').length;
      violations.push({ file: from, line, imports: to, reason: rule.reason });
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
  const violations = findViolations(root);
  for (const v of violations) process.stderr.write(`${v.file}:${v.line}: imports ${v.imports}: ${v.reason}\n`);
  if (violations.length > 0) {
    process.stderr.write(`${violations.length} import(s) cross a layer they must not (rules in scripts/check-layers.mjs)\n`);
    process.exitCode = 1;
  }
}
