// A test S3 server in its own process: s3rver 3.7.1 on 127.0.0.1. Usage: node s3rver-main.mjs PORT DIR BUCKET.
// s3rver stores an "aws-chunked" upload body (restic's minio-go streams its uploads that way over http) as it
// arrives, chunk headers and all; the middleware below strips the chunk framing first. It is a test double:
// chunk signatures are not verified (s3rver checks only the request signature's form), and s3rver does not
// enforce conditional writes (If-None-Match).
import { PassThrough } from 'node:stream';
import S3rver from 's3rver';

const [port, directory, bucket] = process.argv.slice(2);

/** Turns `size;chunk-signature=…\r\n<size bytes>\r\n … 0;…\r\n\r\n` back into the bytes it frames. */
function unchunk(source) {
  const out = new PassThrough();
  let pending = Buffer.alloc(0);
  let remaining = -1; // bytes of the current chunk still to copy, -1 while reading a chunk header
  let finished = false;
  source.on('data', (data) => {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    while (!finished) {
      if (remaining < 0) {
        const eol = pending.indexOf('\r\n');
        if (eol < 0) return;
        remaining = parseInt(pending.subarray(0, eol).toString('latin1').split(';')[0], 16);
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

function awsChunked() {
  return async (ctx, next) => {
    const streaming = (ctx.get('x-amz-content-sha256') || '').startsWith('STREAMING-');
    const encoding = ctx.get('content-encoding') || '';
    if (!streaming && !encoding.includes('aws-chunked')) return next();
    const headers = { ...ctx.req.headers };
    const decoded = ctx.get('x-amz-decoded-content-length');
    if (decoded) headers['content-length'] = decoded;
    const otherEncodings = encoding.split(',').map((e) => e.trim()).filter((e) => e && e !== 'aws-chunked');
    if (otherEncodings.length) headers['content-encoding'] = otherEncodings.join(',');
    else delete headers['content-encoding'];
    const body = Object.assign(unchunk(ctx.req), { headers, method: ctx.req.method, url: ctx.req.url });
    Object.defineProperty(ctx, 'req', { value: body, configurable: true });
    return next();
  };
}

const server = new S3rver({ address: '127.0.0.1', port: Number(port), silent: true, directory, configureBuckets: [{ name: bucket }] });
server.middleware.unshift(awsChunked());
await server.run();
process.stdout.write('ready\n');
