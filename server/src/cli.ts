// The `lockstep` command: restic's command names, flags, environment and exit codes over the same
// operations the extension's backend runs.
import { parseLocation } from '../../shared/src/location';
import { openBackend } from './backend/open';
import { flagBool, flagString, parseArgs, splitCommand, UsageError } from './cli/args';
import { globalSettings } from './cli/globals';
import { helpText } from './cli/help';
import { reachedOverNodeTls, RerunWithCaCerts, rerunWithCaCerts, takeDeferredCaCerts } from './cli/cacerts';
import { restoreUserGlibcTunables } from './cli/hugepages';
import { COMMANDS, CommandContext, GLOBAL_FLAGS } from './cli/commands';
import { CancelledError, ExitCode, LockstepError } from './base/errors';
import { setUpProcessTuning } from './base/processTuning';
import { trace } from './base/trace';
import { onInterrupt } from './interrupt';
import { cliPassword } from './cli/password';

/** The reader of standard output went away (`lockstep ls | head`): the work stops, its lock is removed, exit 0. */
class OutputClosedError extends CancelledError {
  constructor() {
    super('standard output was closed');
  }
}

/** `deferredCaCerts`: the NODE_EXTRA_CA_CERTS file bin/lockstep kept from this process (see cli/cacerts.ts). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, deferredCaCerts?: string): Promise<number> {
  trace('main');
  const controller = new AbortController();
  const stopHandlingInterrupts = onInterrupt(() => controller.abort(new CancelledError('interrupted')));
  const onOutputError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') controller.abort(new OutputClosedError());
  };
  process.stdout.on('error', onOutputError);
  let json = argv.includes('--json');
  try {
    setUpProcessTuning(env);
    const { command: commandName, rest } = splitCommand(argv, GLOBAL_FLAGS);
    if (commandName === 'help') {
      const topic = parseArgs(rest, GLOBAL_FLAGS).positionals[0];
      if (topic !== undefined && !COMMANDS[topic]) throw new LockstepError(`unknown help topic "${topic}"; run "lockstep help" for the commands`);
      process.stdout.write(helpText(COMMANDS, GLOBAL_FLAGS, topic));
      return ExitCode.ok;
    }
    const command = commandName ? COMMANDS[commandName] : undefined;
    if (commandName && !command) throw new LockstepError(`unknown command "${commandName}" for "lockstep"; run "lockstep help" for the list`);
    const args = parseArgs(rest, { ...GLOBAL_FLAGS, ...command?.flags });
    if (!command || flagBool(args, 'help')) {
      process.stdout.write(helpText(COMMANDS, GLOBAL_FLAGS, commandName));
      return ExitCode.ok;
    }
    json = args.flags.get('json') === true;
    const ctx: CommandContext = {
      args,
      env,
      json,
      ...globalSettings(args, env),
      terminal: process.stdout,
      signal: controller.signal,
      out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
      err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
      openBackend: (location) => {
        if (deferredCaCerts && reachedOverNodeTls(parseLocation(location))) throw new RerunWithCaCerts();
        return openBackend(location, env, (message) => process.stderr.write(`${message}\n`), { cacheDir: flagString(args, 'cache-dir'), noCache: flagBool(args, 'no-cache') });
      },
      password: (forNewRepository) =>
        cliPassword({ passwordFile: flagString(args, 'password-file'), passwordCommand: flagString(args, 'password-command') }, env, forNewRepository),
    };
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof RerunWithCaCerts) {
      stopHandlingInterrupts();
      return await rerunWithCaCerts(argv, env).catch((spawnErr: unknown) => reportError(spawnErr, json, env));
    }
    return reportError(err, json, env);
  } finally {
    stopHandlingInterrupts();
    process.stdout.off('error', onOutputError);
  }
}

function reportError(err: unknown, json: boolean, env: NodeJS.ProcessEnv): number {
  if (err instanceof OutputClosedError) return ExitCode.ok;
  const known = err instanceof LockstepError;
  const message = known ? err.message : describeUnexpected(err);
  const code = known ? err.exitCode : ExitCode.fatal;
  if (json) process.stderr.write(`${JSON.stringify({ message_type: 'exit_error', code, message })}\n`);
  else process.stderr.write(err instanceof UsageError ? `${message}\n` : `Fatal: ${message}\n`);
  if (!known && env.LOCKSTEP_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return code;
}

function describeUnexpected(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && 'syscall' in err) {
    const e = err as NodeJS.ErrnoException;
    return `${e.syscall} ${e.path ?? ''} failed: ${e.code}`.replace('  ', ' ');
  }
  return err instanceof Error ? err.message : String(err);
}

if (require.main === module) {
  // restic's unlock probes a lock holder on the same host with SIGHUP; like restic, survive the probe.
  process.on('SIGHUP', () => undefined);
  // A reader that went away (`lockstep ls | head`) is not an error: main() stops the work, which removes its lock
  // (exiting here at once would leave the lock file for others to find stale 30 minutes later).
  process.stdout.on('error', () => undefined);
  const deferredCaCerts = takeDeferredCaCerts(process.env);
  restoreUserGlibcTunables(process.env);
  void main(process.argv.slice(2), process.env, deferredCaCerts).then((code) => {
    trace('done');
    // The work is over, its output written (stdout and stderr are synchronous on Linux) and its lock removed: exit
    // now, as restic does, rather than when the last socket or timer of a remote backend lets the event loop end
    // (a request to a hung server, abandoned when its lock was lost, kept a command alive for a minute).
    process.exit(code);
  });
}

