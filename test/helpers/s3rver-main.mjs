// A test S3 server in its own process: s3rver 3.7.1 on 127.0.0.1. Usage: node s3rver-main.mjs PORT DIR BUCKET.
// Run it with --openssl-legacy-provider: s3rver's ListObjectsV2 continuation tokens use DES, so without it any
// listing longer than one page (1000 keys) fails with HTTP 500. Prints "ready" once the bucket exists and the
// port listens; exits when its stdin closes (the test process that started it is gone), so a crashed test run
// leaves no server behind.
//
// What s3rver does NOT do, so what these tests cannot show about a real S3:
// - It does not verify SigV4 signatures at all: it only checks that the access key ID is one it knows (S3RVER),
//   so a wrong secret key is accepted. The chunk signatures of aws-chunked uploads are not verified either (the
//   middleware below drops them).
// - It does not enforce conditional writes (If-None-Match: *, If-Match): a second "create only" PUT succeeds.
// - It does not check Content-MD5 (a damaged upload is stored as it arrived).
// - It is strongly consistent (a local folder), has no bucket policies, ACLs, object lock or versioning
//   semantics to speak of, and no regions (any region is accepted).
// - It stores an "aws-chunked" upload body (restic's minio-go streams its uploads that way over http; the AWS SDK
//   does with its default trailing checksums) as it arrives, chunk headers and all. The middleware below strips
//   the chunk framing first. It is a test double, written from the aws-chunked format's description.
import { PassThrough } from 'node:stream';
import S3rver from 's3rver';

const [port, directory, bucket] = process.argv.slice(2);

/** Turns `size;chunk-signature=…\r\n<size bytes>\r\n … 0;…\r\n<trailers>\r\n` back into the bytes it frames. */
function unchunk(source) {
  const out = new PassThrough();
  let pending = Buffer.alloc(0);
  let remaining = -1; // bytes of the current chunk still to copy; -1 while reading a chunk header
  let finished = false; // after the last (empty) chunk: trailers, ignored
  source.on('data', (data) => {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    while (!finished) {
      if (remaining < 0) {
        const eol = pending.indexOf('\r\n');
        if (eol < 0) return;
        const size = parseInt(pending.subarray(0, eol).toString('latin1').split(';')[0], 16);
        if (!Number.isFinite(size) || size < 0) {
          out.destroy(new Error('malformed aws-chunked body'));
          finished = true;
          return;
        }
        remaining = size;
        pending = pending.subarray(eol + 2);
        if (remaining === 0) finished = true;
        continue;
      }
      if (pending.length < remaining + 2) return;
      out.write(pending.subarray(0, remaining));
      pending = pending.subarray(remaining + 2);
      remaining = -1;
    }
  });
  source.on('end', () => out.end());
  source.on('error', (err) => out.destroy(err));
  return out;
}

/** Koa middleware: requests with an aws-chunked body get the decoded body, length and encoding. */
function awsChunked() {
  return async (ctx, next) => {
    const streaming = (ctx.get('x-amz-content-sha256') || '').startsWith('STREAMING-');
    const encoding = ctx.get('content-encoding') || '';
    if (!streaming && !encoding.includes('aws-chunked')) return next();
    const headers = { ...ctx.req.headers };
    const decoded = ctx.get('x-amz-decoded-content-length');
    if (decoded) headers['content-length'] = decoded;
    else delete headers['content-length'];
    const otherEncodings = encoding.split(',').map((e) => e.trim()).filter((e) => e && e !== 'aws-chunked');
    if (otherEncodings.length) headers['content-encoding'] = otherEncodings.join(',');
    else delete headers['content-encoding'];
    const body = Object.assign(unchunk(ctx.req), { headers, method: ctx.req.method, url: ctx.req.url });
    Object.defineProperty(ctx, 'req', { value: body, configurable: true });
    return next();
  };
}

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

const server = new S3rver({ address: '127.0.0.1', port: Number(port), silent: true, directory, configureBuckets: [{ name: bucket }] });
server.middleware.unshift(awsChunked());
await server.run();
process.stdout.write('ready\n');
