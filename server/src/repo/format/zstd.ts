// zstd through the WebAssembly build of the reference library (wasm/zstdwasm.ts): no native build, so it runs in VS
// Code's extension host as well. Its memory costs a thread 6 to 11 MB, so a thread that only reads (the main thread:
// index, snapshots, trees) decompresses with fzstd, in plain JavaScript, unless the WebAssembly build is loaded
// anyway; and a long-lived process drops it when idle (zstdRelease), to load it again for the next operation.
import { decompress as decompressJs } from 'fzstd';
import { ZstdInstance } from '../wasm/zstdwasm';

const DEFAULT_LEVEL = 3;
let instance: ZstdInstance | undefined;

/** Loads the WebAssembly build (if it is not loaded): every operation that compresses awaits this first. */
export function zstdReady(): Promise<void> {
  try {
    instance ??= new ZstdInstance();
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Drops the WebAssembly build and its memory (a process at rest); the next zstdReady() loads it again. */
export function zstdRelease(): void {
  instance = undefined;
}

export function zstdCompress(data: Uint8Array, level = DEFAULT_LEVEL): Buffer {
  if (!instance) throw new Error('zstdReady() must be awaited before compressing');
  return toBuffer(instance.compress(data, level));
}

/** Decompresses one frame, with or without a content size in its header; never more than `maxSize` bytes. */
export function zstdDecompress(data: Uint8Array, maxSize: number): Buffer {
  const declared = frameContentSize(data);
  if (declared !== undefined && declared > maxSize) throw new Error(`the frame declares ${declared} bytes, more than the expected ${maxSize}`);
  if (!instance) {
    const out = decompressJs(data);
    if (out.length > maxSize) throw new Error(`the frame holds more than the expected ${maxSize} bytes`);
    return toBuffer(out);
  }
  const wasm = instance;
  const inflate = (capacity: number): Buffer | undefined => {
    const out = wasm.decompress(data, Math.max(1, capacity));
    return out && toBuffer(out);
  };
  if (declared !== undefined) {
    const out = inflate(declared);
    if (!out || out.length !== declared) throw new Error('the frame is damaged: zstd could not decompress it');
    return out;
  }
  // No size in the header: try growing output buffers up to the limit.
  for (let capacity = Math.min(maxSize, 4 << 20); ; capacity = Math.min(maxSize, capacity * 4)) {
    const out = inflate(capacity);
    if (out) return out;
    if (capacity >= maxSize) throw new Error(`the frame is damaged or holds more than the expected ${maxSize} bytes: zstd could not decompress it`);
  }
}

function toBuffer(out: Uint8Array): Buffer {
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** The Frame_Content_Size field of a zstd frame header, when present. */
function frameContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 6 || frame[0] !== 0x28 || frame[1] !== 0xb5 || frame[2] !== 0x2f || frame[3] !== 0xfd) {
    throw new Error('not a zstd frame');
  }
  const descriptor = frame[4];
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictIdSize = [0, 1, 2, 4][descriptor & 3];
  const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
  if (fcsSize === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdSize;
  if (frame.length < at + fcsSize) throw new Error('truncated zstd frame header');
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (fcsSize === 1) return view[at];
  if (fcsSize === 2) return view.readUInt16LE(at) + 256;
  if (fcsSize === 4) return view.readUInt32LE(at);
  return Number(view.readBigUInt64LE(at));
}
