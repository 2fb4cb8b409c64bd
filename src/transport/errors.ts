// Transport errors: every failure to reach or keep a broker connection is a TransportError with a kind.

type TransportErrorKind = 'unreachable' | 'timeout' | 'tls' | 'handshake' | 'bad-url';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ECONNRESET',
  'EPIPE',
]);

/** Maps a socket-level error raised while connecting to a TransportError naming the URL. */
export function classifyConnectError(err: unknown, url: string, phase: 'tcp' | 'tls' | 'ws'): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const detail = e instanceof Error ? e.message : String(err);
  if (code === 'ECONNREFUSED') {
    return new TransportError('unreachable', url, `cannot connect to ${url}: connection refused`, {
      cause: err,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TransportError('unreachable', url, `cannot connect to ${url}: host not found`, { cause: err });
  }
  if (UNREACHABLE_CODES.has(code) && !(phase !== 'tcp' && (code === 'ECONNRESET' || code === 'EPIPE'))) {
    return new TransportError('unreachable', url, `cannot connect to ${url}: ${code}`, { cause: err });
  }
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    /CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO/.test(code)
  ) {
    return new TransportError('tls', url, `TLS handshake with ${url} failed: ${detail}`, { cause: err });
  }
  if (phase === 'tls') {
    return new TransportError('tls', url, `TLS handshake with ${url} failed: ${detail}`, { cause: err });
  }
  if (phase === 'ws') {
    return new TransportError('handshake', url, `WebSocket handshake with ${url} failed: ${detail}`, {
      cause: err,
    });
  }
  return new TransportError('unreachable', url, `cannot connect to ${url}: ${detail}`, { cause: err });
}
