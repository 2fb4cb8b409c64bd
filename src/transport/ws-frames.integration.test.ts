// writeFrame on ws connections: TEXT frames and unmasked binary frames, checked against a real `ws` server.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { describe, test } from 'node:test';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { type Connection, connect } from './index.ts';
import { unmaskedFrameHeader } from './ws.ts';

const TIMEOUT = 5000;

function deadline<T>(p: Promise<T>, what: string, ms = TIMEOUT): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

interface Server {
  port: number;
  /** The server side of the next accepted connection. */
  accepted: Promise<WebSocket>;
  close(): Promise<void>;
}

async function wsServer(): Promise<Server> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  await deadline(new Promise((r) => wss.once('listening', r)), 'the ws server to listen');
  return {
    port: (wss.address() as net.AddressInfo).port,
    accepted,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await deadline(new Promise((r) => wss.close(r)), 'the ws server to close');
    },
  };
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return deadline(
    new Promise((resolve) =>
      ws.once('message', (data: RawData, isBinary: boolean) =>
        resolve({ data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary }),
      ),
    ),
    'a message at the server',
  );
}

function closed(conn: Connection): Promise<{ error?: Error }> {
  return deadline(new Promise((resolve) => conn.onClose(resolve)), 'the client connection to close');
}

const PINGREQ = Buffer.from([0xc0, 0x00]);
// valid UTF-8 (a ws server closes a TEXT frame that is not: RFC 6455 section 8.1): QoS 0 PUBLISH a "hi"
const PUBLISH = Buffer.from([0x30, 0x05, 0x00, 0x01, 0x61, 0x68, 0x69]);

describe('ws writeFrame', () => {
  test('unmaskedFrameHeader: 7-bit, 16-bit and 64-bit lengths, MASK bit clear', () => {
    assert.deepEqual([...unmaskedFrameHeader(2)], [0x82, 2]);
    assert.deepEqual([...unmaskedFrameHeader(125)], [0x82, 125]);
    assert.deepEqual([...unmaskedFrameHeader(126)], [0x82, 126, 0, 126]);
    assert.deepEqual([...unmaskedFrameHeader(65535)], [0x82, 126, 0xff, 0xff]);
    assert.deepEqual([...unmaskedFrameHeader(65536)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  test('text: the server receives one TEXT message with the bytes', async () => {
    const srv = await wsServer();
    try {
      const conn = await connect(`ws://127.0.0.1:${srv.port}/mqtt`, { timeoutMs: TIMEOUT });
      const peer = await deadline(srv.accepted, 'the server to accept');
      const msg = nextMessage(peer);
      assert.equal(typeof conn.writeFrame, 'function');
      conn.writeFrame?.(PUBLISH, 'text');
      const got = await msg;
      assert.equal(got.isBinary, false);
      assert.deepEqual(got.data, PUBLISH);
      conn.destroy();
    } finally {
      await srv.close();
    }
  });

  test('binary through writeFrame is the default path (a BINARY message)', async () => {
    const srv = await wsServer();
    try {
      const conn = await connect(`ws://127.0.0.1:${srv.port}/mqtt`, { timeoutMs: TIMEOUT });
      const peer = await deadline(srv.accepted, 'the server to accept');
      const msg = nextMessage(peer);
      conn.writeFrame?.(PINGREQ, 'binary');
      const got = await msg;
      assert.equal(got.isBinary, true);
      assert.deepEqual(got.data, PINGREQ);
      conn.destroy();
    } finally {
      await srv.close();
    }
  });

  test('unmasked: a ws server rejects the frame as unmasked and closes the connection', async () => {
    const srv = await wsServer();
    try {
      const conn = await connect(`ws://127.0.0.1:${srv.port}/mqtt`, { timeoutMs: TIMEOUT });
      const peer = await deadline(srv.accepted, 'the server to accept');
      const serverError = deadline(
        new Promise<Error & { code?: string }>((resolve) => peer.once('error', resolve)),
        'the server to reject the frame',
      );
      const clientClosed = closed(conn);
      conn.writeFrame?.(PINGREQ, 'unmasked');
      const err = await serverError;
      assert.equal(err.code, 'WS_ERR_EXPECTED_MASK');
      await clientClosed;
      assert.equal(conn.closed, true);
    } finally {
      await srv.close();
    }
  });

  test('after a text or unmasked frame, the default path still writes masked binary frames', async () => {
    const srv = await wsServer();
    try {
      const conn = await connect(`ws://127.0.0.1:${srv.port}/mqtt`, { timeoutMs: TIMEOUT });
      const peer = await deadline(srv.accepted, 'the server to accept');
      const first = nextMessage(peer);
      conn.writeFrame?.(PUBLISH, 'text');
      await first;
      const second = nextMessage(peer);
      conn.write(PINGREQ);
      assert.equal((await second).isBinary, true);
      conn.destroy();
    } finally {
      await srv.close();
    }
  });

  test('tcp connections have no writeFrame', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.destroy());
    await deadline(new Promise<void>((r) => server.listen(0, '127.0.0.1', r)), 'the tcp server');
    try {
      const port = (server.address() as net.AddressInfo).port;
      const conn = await connect(`mqtt://127.0.0.1:${port}`, { timeoutMs: TIMEOUT });
      assert.equal(conn.writeFrame, undefined);
      conn.destroy();
    } finally {
      await deadline(new Promise((r) => server.close(r)), 'the tcp server to close');
    }
  });
});
