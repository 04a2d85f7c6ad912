// The save steps of every backend, against real servers: the landing step runs once the bytes are on their way
// and before the file can be seen (the lock guard's last check goes there), and a landing step that throws leaves
// no file behind. Local is covered by the commit-freeze rounds; here REST's one POST, SFTP's rename and S3's PUT.
import { afterAll, describe, expect, it } from 'vitest';
import { Backend, FileHandle, NotFoundError } from '../../server/src/backend/backend';
import { openBackend } from '../../server/src/backend/open';
import { sha256Hex } from '../../server/src/repo/format/ids';
import { peerAvailable } from '../helpers/peers';
import { StartRemoteServer } from '../helpers/remote-server';
import { startRestServer } from '../helpers/restserver';
import { s3rverAvailable, startS3rver } from '../helpers/s3server';
import { sshdAvailable, startSshd } from '../helpers/sshd';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const servers: { title: string; start: StartRemoteServer; available: () => boolean }[] = [
  { title: 'REST (rest-server)', start: startRestServer, available: () => peerAvailable('rest-server') },
  { title: 'SFTP (OpenSSH sshd)', start: startSshd, available: sshdAvailable },
  { title: 'S3 (s3rver)', start: startS3rver, available: s3rverAvailable },
];

/** A file named by the hash of its bytes, as rest-server insists. */
const file = (text: string): { handle: FileHandle; bytes: Buffer } => {
  const bytes = Buffer.from(text);
  return { handle: { type: 'index', name: sha256Hex(bytes) }, bytes };
};

async function visible(backend: Backend, h: FileHandle): Promise<boolean> {
  return backend.stat(h).then(
    () => true,
    (err: unknown) => {
      if (err instanceof NotFoundError) return false;
      throw err;
    },
  );
}

for (const server of servers) {
  (server.available() || process.env.CI ? describe : describe.skip)(`save steps: ${server.title}`, () => {
    it('creating, writing, then landing before the file can be seen; a landing step that throws leaves nothing', async () => {
      const running = await server.start(makeTempDir('save-steps'));
      const backend = openBackend(running.location, { ...process.env, ...running.lockstepEnv });
      try {
        await backend.create();
        const steps: string[] = [];
        const { handle: landed, bytes } = file('an index that lands');
        await backend.save(landed, bytes, undefined, {
          creating: async () => void steps.push('creating'),
          writing: async () => void steps.push('writing'),
          landing: async () => void steps.push(`landing (visible: ${await visible(backend, landed)})`),
        });
        expect(steps).toEqual(['creating', 'writing', 'landing (visible: false)']);
        expect(await visible(backend, landed)).toBe(true);

        const { handle: refused, bytes: refusedBytes } = file('an index whose landing is refused');
        const save = backend.save(refused, refusedBytes, undefined, {
          landing: async () => {
            throw new Error('the lock was lost');
          },
        });
        await expect(save).rejects.toThrow('the lock was lost');
        expect(await visible(backend, refused)).toBe(false);
        expect((await backend.list('index')).map((f) => f.name)).toEqual([landed.name]);
      } finally {
        await backend.close();
        await running.stop();
      }
    }, 60_000);
  });
}
