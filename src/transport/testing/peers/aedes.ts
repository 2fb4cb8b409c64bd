// Test helper: aedes in-process over tcp (net) and ws (ws + createWebSocketStream). Tests only.
import net from 'node:net';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

export interface AedesInstance {
  tcp: number;
  ws: number;
  stop(): Promise<void>;
}

export async function startAedes(): Promise<AedesInstance> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    broker.handle(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => {});
    broker.handle(stream as never);
  });
  return {
    tcp: (server.address() as net.AddressInfo).port,
    ws: (wss.address() as net.AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
