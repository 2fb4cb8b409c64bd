// Transport: one table from URL scheme to connector. Everything above this speaks bytes only.
import type { Connection } from './connection.ts';
import { TransportError } from './errors.ts';
import type { ConnectOptions } from './options.ts';
import { connectTcp } from './tcp.ts';
import { connectTls } from './tls.ts';
import { type Endpoint, SCHEME_ALIASES, type Scheme, toEndpoint } from './url.ts';
import { connectWs } from './ws.ts';

export type { Connection, WsFrameKind } from './connection.ts';
export { TransportError } from './errors.ts';
export type { ConnectOptions } from './options.ts';
export { parseBrokerUrl, toEndpoint } from './url.ts';

/** Used when ConnectOptions.timeoutMs is missing, zero or not a number. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

type Connector = (ep: Endpoint, opts: ConnectOptions) => Promise<Connection>;

/** Canonical scheme -> connector (aliases such as tcp:, ssl:, tls: map via SCHEME_ALIASES). */
export const CONNECTORS: Readonly<Record<Scheme, Connector>> = {
  mqtt: connectTcp,
  mqtts: connectTls,
  ws: connectWs,
  wss: connectWs,
};

/** Opens a connection to a broker URL. Never throws synchronously; rejects with TransportError. */
export async function connect(url: string | URL, opts: ConnectOptions): Promise<Connection> {
  const text = typeof url === 'string' ? url : url.href;
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new TransportError('bad-url', text, `'${text}' is not a URL`);
  }
  const ep = toEndpoint(parsed, typeof url === 'string' ? url : undefined);
  if (!ep) {
    throw new TransportError(
      'bad-url',
      text,
      `unsupported scheme '${parsed.protocol}' in '${text}' (use ${Object.keys(SCHEME_ALIASES).join(':, ')}:)`,
    );
  }
  const connector = CONNECTORS[ep.scheme];
  // a missing or nonsensical deadline must not turn into an instant timeout
  const timeoutMs =
    Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_CONNECT_TIMEOUT_MS;
  return connector(ep, { ...opts, timeoutMs });
}
