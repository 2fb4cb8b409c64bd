import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader } from './frames.ts';

function collect(max?: number) {
  const frames: Array<{ hex: string; h: { remainingLength: number; headerLength: number } }> = [];
  const errors: Array<{ kind: string; message: string; head: string }> = [];
  const r = new FrameReader(
    {
      frame: (buf, start, end, headerLength) =>
        frames.push({
          hex: buf.subarray(start, end).toString('hex'),
          h: { remainingLength: end - start - headerLength, headerLength },
        }),
      error: (kind, message, head) => errors.push({ kind, message, head: head.toString('hex') }),
    },
    max,
  );
  return { r, frames, errors };
}

test('frames split anywhere are reassembled, byte by byte too', () => {
  const stream = Buffer.from('c000' + '30070003612f626869' + 'e000', 'hex');
  const { r, frames, errors } = collect();
  for (const b of stream) r.push(Buffer.from([b]));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    frames.map((f) => f.hex),
    ['c000', '30070003612f626869', 'e000'],
  );
  assert.equal(frames[1]?.h.remainingLength, 7);
  assert.equal(frames[1]?.h.headerLength, 2);
});

test('a Remaining Length of 4 bytes is accepted; a fifth continuation byte is refused at once', () => {
  const ok = collect();
  // 4-byte VBI: 0x80 0x80 0x80 0x01 = 2,097,152
  ok.r.push(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x01]));
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.r.announced, 2_097_157);
  const bad = collect();
  for (const b of [0x30, 0xff, 0xff, 0xff, 0xff]) bad.r.push(Buffer.from([b]));
  assert.equal(bad.errors.length, 1);
  assert.equal(bad.errors[0]?.kind, 'framing');
  assert.match(bad.errors[0]?.message ?? '', /longer than 4 bytes/);
  bad.r.push(Buffer.from([0x01, 0xc0, 0x00]));
  assert.equal(bad.frames.length, 0, 'nothing is framed after the error');
});

test('a frame over the maximum is refused from its header, before its body is buffered', () => {
  const { r, errors } = collect(1024);
  r.push(Buffer.from([0x30, 0x80, 0x10, 0x00]));
  assert.equal(errors[0]?.kind, 'too-large');
  assert.equal(errors[0]?.head, '308010');
  assert.equal(r.buffered, 0);
});

test('reassembly is linear: a large frame in small chunks is joined once', () => {
  const body = Buffer.alloc(256 * 1024, 0x61);
  const frame = Buffer.concat([Buffer.from([0x30, 0x80, 0x80, 0x10]), body]); // remaining 262,144
  const copied = { bytes: 0 };
  const concat = Buffer.concat;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    const out = concat(list, total);
    copied.bytes += out.length;
    return out;
  }) as typeof Buffer.concat;
  try {
    const { r, frames, errors } = collect();
    for (let i = 0; i < frame.length; i += 100) r.push(frame.subarray(i, i + 100));
    assert.deepEqual(errors, []);
    assert.equal(frames.length, 1);
    // each byte is copied a small constant number of times, not once per later chunk
    assert.ok(
      copied.bytes <= 2 * frame.length,
      `copied ${copied.bytes} bytes for a ${frame.length}-byte frame`,
    );
  } finally {
    Buffer.concat = concat;
  }
});

test('the bytes of an incomplete frame are available for a truncation report', () => {
  const { r } = collect();
  r.push(Buffer.from([0x30, 0x12, 0x00, 0x03, 0x61]));
  assert.equal(r.buffered, 5);
  assert.equal(r.announced, 20);
  assert.equal(r.pendingBytes().toString('hex'), '3012000361');
});

test('minimalLength: a Remaining Length with a trailing 0x00 is refused; without the option it is framed', () => {
  const strict = new FrameReader(
    {
      frame: () => assert.fail('no frame expected'),
      error: (kind, message) => errors.push(`${kind}: ${message}`),
    },
    undefined,
    { minimalLength: true },
  );
  const errors: string[] = [];
  strict.push(Buffer.from([0xc0, 0x80, 0x00]));
  assert.deepEqual(errors, ['framing: remaining length not minimally encoded']);
  const lax = collect();
  lax.r.push(Buffer.from([0xc0, 0x80, 0x00]));
  assert.deepEqual(lax.errors, []);
  assert.deepEqual(
    lax.frames.map((f) => f.hex),
    ['c08000'],
  );
  // a single 0x00 byte is the minimal encoding of 0
  const zero = collect();
  zero.r.push(Buffer.from([0xc0, 0x00]));
  assert.equal(zero.frames.length, 1);
});

test('pause inside a frame callback holds the rest until resume; the size limit may change between frames', () => {
  const seen: string[] = [];
  const errors: string[] = [];
  const r: FrameReader = new FrameReader(
    {
      frame: (buf, start, end) => {
        seen.push(buf.subarray(start, end).toString('hex'));
        if (buf[start] === 0x10) {
          r.pause();
          r.maxPacketSize = 2;
        }
      },
      error: (kind) => errors.push(kind),
    },
    8,
  );
  r.push(Buffer.from('1000c000', 'hex'));
  r.push(Buffer.from('e0', 'hex'));
  assert.deepEqual(seen, ['1000']);
  r.resume();
  r.push(Buffer.from('00', 'hex'));
  assert.deepEqual(seen, ['1000', 'c000', 'e000']);
  r.push(Buffer.from('300100', 'hex'));
  assert.deepEqual(errors, ['too-large']);
});
