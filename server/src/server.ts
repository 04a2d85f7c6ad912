// The extension's backend process: JSON-RPC (vscode-languageserver) requests mapped onto the operation catalogue the
// CLI runs too (rpc/requests.ts). One per VS Code window, started by the client with the repository and password in
// its environment.
import { forgetPreloadedAllocator } from '../../shared/src/allocator';
import { LockstepError } from './base/errors';
import { processTuning, setUpProcessTuning } from './base/processTuning';
import { resolvePassword } from './password';
import { Admission, DEFAULT_ADMISSION_LIMITS } from './rpc/admission';
import { IdleRelease } from './rpc/idlerelease';
import { createBackendConnection } from './rpc/connection';
import { Operations } from './rpc/operations';
import { serveRequests } from './rpc/requests';
import { PROGRAM_VERSION } from './version';
import { zstdRelease } from './repo/format/zstd';

// The allocator the client preloaded is this process's, not that of the processes it starts.
forgetPreloadedAllocator(process.env);

// restic's unlock probes lock holders on this host with SIGHUP; like restic, survive the probe.
process.on('SIGHUP', () => undefined);

/** The password the client put in this process's environment (or a file or command it names). */
function password(): string {
  const given = resolvePassword({ env: process.env });
  if (given === undefined || given === '') throw new LockstepError('no repository password is set (run "Lockstep: Set Password")');
  return given;
}

try {
  setUpProcessTuning(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}; running untuned\n`);
}

const idleRelease = new IdleRelease(() => {
  ops.repository.releaseIdle();
  zstdRelease();
  processTuning.releaseIdleMemory();
});
const admission = new Admission(DEFAULT_ADMISSION_LIMITS, idleRelease);
const connection = createBackendConnection(admission);
const ops = new Operations(connection, process.env, password, admission);

connection.onInitialize(() => ({ capabilities: {}, serverInfo: { name: 'lockstep', version: PROGRAM_VERSION } }));

serveRequests(connection, ops);

connection.listen();
