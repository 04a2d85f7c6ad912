// The backend's JSON-RPC connection (the extension's IPC channel, or stdio) and every way it can end. It is built
// here from vscode-languageserver's parts rather than by vscode-languageserver/node's createConnection, because
// that one calls process.exit the moment stdin ends, on the LSP exit notification and when the editor's process
// is gone (a 3-second poll), each time with operations still holding their locks. Here each of those, the IPC
// channel's disconnect, SIGTERM and Ctrl-C go through Shutdown, which removes the locks first.
import { format } from 'node:util';
import { createConnection, createProtocolConnection, ErrorCodes, ProposedFeatures, type Connection, type WatchDog } from 'vscode-languageserver';
import { IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageReader, type MessageWriter, type ResponseMessage } from 'vscode-jsonrpc/node';
import { ExitCode } from '../base/errors';
import { onInterrupt } from '../interrupt';
import type { Stoppable } from './admission';
import { Shutdown } from './shutdown';

/** How often the editor's process (the client's pid) is looked for. */
const PARENT_POLL_MS = 1000;

interface Transport {
  reader: MessageReader;
  writer: MessageWriter;
  /** Called once when the client's side of the channel is gone. */
  onGone(listener: () => void): void;
}

function transportFrom(argv: readonly string[]): Transport {
  if (argv.includes('--node-ipc')) {
    return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process), onGone: (listener) => process.once('disconnect', listener) };
  }
  if (argv.includes('--stdio')) {
    const gone = (listener: () => void): void => {
      let called = false;
      const once = (): void => {
        if (!called) listener();
        called = true;
      };
      process.stdin.once('end', once);
      process.stdin.once('close', once);
    };
    return { reader: new StreamMessageReader(process.stdin), writer: new StreamMessageWriter(process.stdout), onGone: gone };
  }
  throw new Error('start the backend with --node-ipc or --stdio');
}

/** The pid the client passed with --clientProcessId, as vscode-languageclient does. */
function clientProcessIdArg(argv: readonly string[]): number | undefined {
  for (const [i, arg] of argv.entries()) {
    const value = arg === '--clientProcessId' ? argv[i + 1] : arg.startsWith('--clientProcessId=') ? arg.slice('--clientProcessId='.length) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The connection; `work` is stopped (locks removed) before the process exits, whichever way it ends. */
export function createBackendConnection(work: Stoppable, argv: readonly string[] = process.argv): Connection {
  const transport = transportFrom(argv);
  const shutdown = new Shutdown(work, (message) => process.stderr.write(`lockstep backend: ${message}\n`));
  let shutdownReceived = false;
  const exitCode = (): number => (shutdownReceived ? ExitCode.ok : ExitCode.fatal);
  const watched = new Set<number>();
  const watchParent = (pid: number | undefined): void => {
    if (pid === undefined || watched.has(pid)) return;
    watched.add(pid);
    const poll = setInterval(() => {
      if (!processGone(pid)) return;
      clearInterval(poll);
      shutdown.exit(`the editor's process ${pid} is gone`, exitCode());
    }, PARENT_POLL_MS);
    poll.unref();
  };
  const watchDog: WatchDog = {
    get shutdownReceived() {
      return shutdownReceived;
    },
    set shutdownReceived(value: boolean) {
      shutdownReceived = value;
    },
    initialize: (params) => watchParent(params.processId ?? undefined),
    exit: (code) => shutdown.exit('the client sent exit', code),
  };
  const connection = createConnection(
    (logger) => {
      const protocol = createProtocolConnection(transport.reader, transport.writer, logger);
      // The reader reports a message that is not JSON as an error and reads on; JSON-RPC wants it answered with
      // -32700 and a null id, which no request handler can send, so the answer goes to the writer directly.
      protocol.onError(([error]) => {
        if (!(error instanceof SyntaxError)) return;
        const answer: ResponseMessage = { jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `Parse error: ${error.message}` } };
        transport.writer.write(answer).catch(() => undefined); // a client already gone has no use for it
      });
      return protocol;
    },
    watchDog,
    ProposedFeatures.all,
  );
  connection.onShutdown(() => shutdown.stopWork('the client asked the backend to shut down'));
  transport.onGone(() => shutdown.exit('the client closed the connection', exitCode()));
  onInterrupt(() => shutdown.exit('interrupted', ExitCode.interrupted));
  watchParent(clientProcessIdArg(argv));
  if (argv.includes('--stdio')) {
    // stdout carries the protocol; a stray console.log from a dependency goes to the client's log instead.
    for (const name of ['log', 'info', 'debug'] as const) console[name] = (...args: unknown[]) => connection.console.log(format(...args));
  }
  return connection;
}
