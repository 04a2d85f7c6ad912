// JSON-RPC at its edges, sent to the real backend process as raw bytes where a well-behaved client would not send
// them: params by position get InvalidParams (before, `params: []` failed inside a handler with an internal
// TypeError), a message that is not JSON gets -32700, and a client that never answers the progress-create request
// no longer holds every request forever.
import * as path from 'node:path';
import { CancellationTokenSource, Message, ResponseError, ResponseMessage, StreamMessageReader } from 'vscode-jsonrpc/node';
import { afterAll, describe, expect, it } from 'vitest';
import { LocksRequest, LockstepErrorCodes, SnapshotsRequest } from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { waitFor } from '../helpers/process';
import { Backend, backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'protocol';
const backendFor = backendsStoppedAfterEach(PASSWORD);

async function backend(name: string): Promise<Backend> {
  const repo = path.join(makeTempDir(name), 'repo');
  lockstepOk(['init'], { repo, password: PASSWORD });
  return backendFor(repo);
}

/** Writes `body` to the backend as one framed message and returns the response whose id is `id`. */
function rawExchange(b: Backend): (body: string, id: number | null) => Promise<ResponseMessage> {
  const seen: Message[] = [];
  new StreamMessageReader(b.child.stdout!).listen((m) => seen.push(m));
  return async (body, id) => {
    const bytes = Buffer.from(body);
    b.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`), bytes]));
    const isAnswer = (m: Message): m is ResponseMessage => Message.isResponse(m) && m.id === id;
    await waitFor(`the answer to ${body}`, () => seen.some(isAnswer), 20_000);
    const i = seen.findIndex(isAnswer);
    return seen.splice(i, 1)[0] as ResponseMessage;
  };
}

describe('JSON-RPC at the edges', () => {
  it('params by position ([] or [{}]) get InvalidParams, not an internal error', async () => {
    const b = await backend('proto-params');
    const exchange = rawExchange(b);
    const methods = ['init', 'backup', 'snapshots', 'restore', 'prune', 'forget', 'check', 'unlock', 'locks'];
    let id = 1000;
    for (const method of methods) {
      for (const params of ['[]', '[{}]']) {
        id++;
        const answer = await exchange(`{"jsonrpc":"2.0","id":${id},"method":"lockstep/${method}","params":${params}}`, id);
        expect(answer.error, `${method} ${params}`).toMatchObject({ code: -32602, message: `Request lockstep/${method} defines parameters by name but received parameters by position` });
      }
    }
    expect(await b.connection.sendRequest(LocksRequest.type, {})).toEqual({ locks: [] });
  });

  it('a message that is not JSON gets -32700 with a null id, and the backend reads on', async () => {
    const b = await backend('proto-parse');
    const exchange = rawExchange(b);
    const answer = await exchange('{"jsonrpc":"2.0","id":5,"method":"lockstep/locks",', null);
    expect(answer.error).toMatchObject({ code: -32700, message: expect.stringMatching(/^Parse error: /) });
    const after = await exchange('{"jsonrpc":"2.0","id":6,"method":"lockstep/locks","params":{}}', 6);
    expect(after.result).toEqual({ locks: [] });
  });

  it('a client that never answers window/workDoneProgress/create: requests go on without progress, and cancel ends one', async () => {
    const b = await backend('proto-progress');
    let asked = 0;
    b.connection.onRequest('window/workDoneProgress/create', () => {
      asked++;
      return new Promise(() => undefined);
    });
    // Cancelled while the backend waits for the answer: ends at once as cancelled.
    const source = new CancellationTokenSource();
    const cancelled = b.connection.sendRequest(SnapshotsRequest.type, {}, source.token).then(
      () => undefined,
      (e: unknown) => e,
    );
    await waitFor('the backend to ask for progress', () => asked === 1);
    source.cancel();
    const err = await cancelled;
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as ResponseError<unknown>).code).toBe(LockstepErrorCodes.cancelled);
    // Not cancelled: answered once the ask has timed out, without progress.
    expect(await b.connection.sendRequest(SnapshotsRequest.type, {})).toEqual({ snapshots: [], damaged: [] });
    expect(asked).toBe(2);
    // The silent client is not asked again.
    expect(await b.connection.sendRequest(SnapshotsRequest.type, {})).toEqual({ snapshots: [], damaged: [] });
    expect(asked).toBe(2);
    expect(b.progress).toEqual([]);
  });
});
