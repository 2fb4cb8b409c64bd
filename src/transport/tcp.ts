// Plain TCP connector (mqtt://, tcp://).
import net from 'node:net';
import { type Connection, SocketConnection } from './connection.ts';
import { classifyConnectError, TransportError } from './errors.ts';
import type { ConnectOptions } from './options.ts';
import type { Endpoint } from './url.ts';

/**
 * Dials a socket (created by `dial`) and resolves once `readyEvent` fires, enforcing the deadline.
 * Shared by tcp and tls.
 */
export function dialSocket<S extends net.Socket>(
  ep: Endpoint,
  opts: ConnectOptions,
  phase: 'tcp' | 'tls',
  dial: () => S,
  readyEvent: 'connect' | 'secureConnect',
): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    let settled = false;
    let socket: S;
    try {
      socket = dial();
    } catch (err) {
      reject(classifyConnectError(err, ep.display, phase));
      return;
    }
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(
        new TransportError(
          'timeout',
          ep.display,
          `connecting to ${ep.display} timed out after ${opts.timeoutMs} ms`,
        ),
      );
    }, opts.timeoutMs);
    const onError = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(classifyConnectError(err, ep.display, phase));
    };
    const onClose = () =>
      onError(Object.assign(new Error('connection closed during connect'), { code: 'ECONNRESET' }));
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(readyEvent, () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve(socket);
    });
  });
}

export async function connectTcp(ep: Endpoint, opts: ConnectOptions): Promise<Connection> {
  const socket = await dialSocket(
    ep,
    opts,
    'tcp',
    () =>
      net.connect({
        host: opts.via?.host ?? ep.host,
        port: opts.via?.port ?? ep.port,
        ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
      }),
    'connect',
  );
  socket.setNoDelay(true);
  return new SocketConnection(socket, 'mqtt');
}
