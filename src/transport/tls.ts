// TLS connector (mqtts://, ssl://, tls://) and the TLS option resolution shared with wss.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { type Connection, SocketConnection } from './connection.ts';
import { TransportError } from './errors.ts';
import type { ConnectOptions, TlsOptions } from './options.ts';
import { dialSocket } from './tcp.ts';
import type { Endpoint } from './url.ts';

interface ResolvedTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** A PEM string is taken as contents; any other string is a file path. */
function material(value: string | Buffer | undefined, what: string, url: string): Buffer | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new TransportError('tls', url, `cannot read TLS ${what} file '${value}' (${code})`, { cause: err });
  }
}

/** Turns user TLS options into node:tls options; throws TransportError('tls') for unreadable files. */
export function resolveTls(ep: Endpoint, t: TlsOptions | undefined): ResolvedTls {
  const out: ResolvedTls = { rejectUnauthorized: t?.insecure !== true };
  const ca = material(t?.ca, 'CA', ep.display);
  const cert = material(t?.cert, 'certificate', ep.display);
  const key = material(t?.key, 'key', ep.display);
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  // SNI must not be an IP address (RFC 6066); node then checks the IP against subjectAltName.
  const servername = t?.servername ?? (net.isIP(ep.host) ? undefined : ep.host);
  if (servername !== undefined) out.servername = servername;
  return out;
}

/** Through a proxy the certificate is still checked against the broker's host, not the proxy's address. */
export function viaIdentity(ep: Endpoint, opts: ConnectOptions): Partial<tls.ConnectionOptions> {
  if (!opts.via) return {};
  return { checkServerIdentity: (_host, cert) => tls.checkServerIdentity(ep.host, cert) };
}

export async function connectTls(ep: Endpoint, opts: ConnectOptions): Promise<Connection> {
  const t = resolveTls(ep, opts.tls);
  const socket = await dialSocket(
    ep,
    opts,
    'tls',
    () =>
      tls.connect({
        host: opts.via?.host ?? ep.host,
        port: opts.via?.port ?? ep.port,
        ...t,
        ...viaIdentity(ep, opts),
        ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
      }),
    'secureConnect',
  );
  socket.setNoDelay(true);
  return new SocketConnection(socket, 'mqtts');
}
