import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocation, redactLocation } from '../../../shared/src/location';
import { withRetries } from '../../../server/src/base/retry';
import { ManualClock } from '../../helpers/clock';

describe('repository locations as restic spells them', () => {
  it('local folders, with and without local:', () => {
    expect(parseLocation('/srv/repo')).toEqual({ kind: 'local', path: '/srv/repo' });
    expect(parseLocation('local:/srv/repo')).toEqual({ kind: 'local', path: '/srv/repo' });
    expect(parseLocation('relative/repo')).toEqual({ kind: 'local', path: path.resolve('relative/repo') });
  });

  it('rest: with credentials (percent-decoded, kept out of the URL), and a trailing slash added', () => {
    expect(parseLocation('rest:http://alice:p%40ss%3A1@127.0.0.1:8000/repo')).toEqual({
      kind: 'rest',
      url: 'http://127.0.0.1:8000/repo/',
      username: 'alice',
      password: 'p@ss:1',
    });
    expect(parseLocation('rest:https://backup.example.org/')).toEqual({ kind: 'rest', url: 'https://backup.example.org/', username: undefined, password: undefined });
    expect(() => parseLocation('rest:ftp://host/')).toThrow(/over http or https/);
    expect(() => parseLocation('rest:nonsense')).toThrow(/expected rest:http/);
  });

  it('sftp: in scp form and URL form, absolute and relative paths', () => {
    expect(parseLocation('sftp:user@host:/srv/repo')).toEqual({ kind: 'sftp', user: 'user', host: 'host', path: '/srv/repo' });
    expect(parseLocation('sftp:host:backups/repo')).toEqual({ kind: 'sftp', user: undefined, host: 'host', path: 'backups/repo' });
    expect(parseLocation('sftp://user@host:2222//srv/repo')).toEqual({ kind: 'sftp', user: 'user', host: 'host', port: 2222, path: '/srv/repo' });
    expect(parseLocation('sftp://host/relative')).toEqual({ kind: 'sftp', user: undefined, host: 'host', port: undefined, path: 'relative' });
    expect(parseLocation('sftp://user@[::1]:22//r')).toEqual({ kind: 'sftp', user: 'user', host: '::1', port: 22, path: '/r' });
    expect(() => parseLocation('sftp://host:99999//r')).toThrow(/out of range/);
    expect(() => parseLocation('sftp:justahost')).toThrow(/expected sftp:user@host:\/path/);
  });

  it('s3: endpoint, bucket and prefix; https when no scheme is given', () => {
    expect(parseLocation('s3:http://127.0.0.1:9000/bucket/some/prefix')).toEqual({ kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'bucket', prefix: 'some/prefix' });
    expect(parseLocation('s3:s3.amazonaws.com/bucket')).toEqual({ kind: 's3', endpoint: 'https://s3.amazonaws.com', bucket: 'bucket', prefix: '' });
    expect(() => parseLocation('s3:http://127.0.0.1:9000/')).toThrow(/bucket name is missing/);
    expect(() => parseLocation('s3:http://key:secret@host/bucket')).toThrow(/not the URL/);
  });

  it('other restic backends are a clear error; passwords never reach messages', () => {
    expect(() => parseLocation('b2:bucket:path')).toThrow(/"b2:" is not supported/);
    expect(redactLocation('rest:http://alice:secret@host:8000/repo/')).toBe('rest:http://alice:***@host:8000/repo/');
    expect(redactLocation('rest:http://host:8000/repo/')).toBe('rest:http://host:8000/repo/');
    expect(() => parseLocation('rest:http://alice:secret@host/x?y=1')).toThrow(/alice:\*\*\*@/);
  });
});

describe('retries of remote calls', () => {
  const policy = { budgetMs: 10_000, firstDelayMs: 100, maxDelayMs: 1000 };

  it('tries a transient failure again with growing delays, and gives up when the budget is spent', async () => {
    const clock = new ManualClock(0);
    const delays: number[] = [];
    let attempts = 0;
    const run = withRetries(policy, () => true, async () => {
      attempts++;
      throw new Error('reset');
    }, undefined, (_err, delay) => delays.push(delay), clock);
    const settled = run.catch((err: unknown) => err);
    for (let i = 0; i < 40; i++) await clock.advance(1000);
    expect(await settled).toEqual(new Error('reset'));
    expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 1000]);
    expect(delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(attempts).toBe(delays.length + 1);
  });

  it('does not retry a permanent failure, and stops waiting when the signal aborts', async () => {
    let attempts = 0;
    await expect(withRetries(policy, () => false, async () => {
      attempts++;
      throw new Error('403');
    })).rejects.toThrow('403');
    expect(attempts).toBe(1);

    const controller = new AbortController();
    const run = withRetries({ ...policy, firstDelayMs: 60_000, budgetMs: 600_000 }, () => true, async () => {
      throw new Error('down');
    }, controller.signal);
    setTimeout(() => controller.abort(new Error('lock lost')), 20);
    await expect(run).rejects.toThrow('lock lost');
  });
});
