// Progress the server makes itself must first be created by the client (window/workDoneProgress/create). A client
// that advertises work-done progress but never answers that request held every request there forever, and
// cancelling did not end it. The ask now gets PROGRESS_CREATE_TIMEOUT_MS and the request's own cancellation; past
// them the operation runs without progress. A client that let the ask time out is not asked again until that
// answer arrives, so it does not cost every later request the same wait.
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';

/** VS Code answers in milliseconds; a busy extension host gets a generous margin. */
export const PROGRESS_CREATE_TIMEOUT_MS = 2000;

const silentClients = new WeakSet<Connection>();

/** The client's progress reporter, or undefined when the client has none, stays silent, or `signal` aborts first. */
export async function createServerProgress(connection: Connection, signal: AbortSignal, timeoutMs = PROGRESS_CREATE_TIMEOUT_MS): Promise<WorkDoneProgressServerReporter | undefined> {
  if (silentClients.has(connection) || signal.aborted) return undefined;
  const created = connection.window.createWorkDoneProgress().then(
    (reporter) => {
      silentClients.delete(connection);
      return reporter;
    },
    () => undefined,
  );
  const done = new AbortController();
  const givenUp = new Promise<undefined>((resolve) => {
    const timer = setTimeout(() => {
      silentClients.add(connection);
      resolve(undefined);
    }, timeoutMs);
    done.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    signal.addEventListener('abort', () => resolve(undefined), { once: true, signal: done.signal });
  });
  try {
    return await Promise.race([created, givenUp]);
  } finally {
    done.abort();
  }
}
