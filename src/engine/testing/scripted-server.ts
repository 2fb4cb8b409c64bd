// Test helper: a TCP server on a free 127.0.0.1 port that hands the first chunk of each connection to a script
// (the hostile brokers of the tests), and whose stop() destroys every connection it still holds. Tests only.
import net from 'node:net';

export interface ScriptedServer {
  port: number;
  stop(): Promise<void>;
}

export async function startScriptedServer(
  onFirst: (s: net.Socket, first: Buffer) => void,
): Promise<ScriptedServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.once('data', (first: Buffer) => onFirst(s, first));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
