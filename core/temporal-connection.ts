import { readFileSync } from 'node:fs';
import type { Config } from './config';

/** What both the client's Connection and the worker's NativeConnection accept as `tls`. */
interface TlsOptions {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/**
 * Connection options for a local dev server, a self-hosted cluster (TLS, optionally mutual with a
 * client certificate) or Temporal Cloud (API key); the same shape suits the client's Connection and
 * the worker's NativeConnection.
 */
export function temporalConnectionOptions(config: Readonly<Config>): {
  address: string;
  tls: TlsOptions | false;
  apiKey?: string;
} {
  const { address, tls, tlsFiles, tlsServerName, apiKey } = config.temporal;
  return {
    address,
    tls: tls
      ? {
          ...(tlsServerName ? { serverNameOverride: tlsServerName } : {}),
          ...(tlsFiles.caPath ? { serverRootCACertificate: readFileSync(tlsFiles.caPath) } : {}),
          ...(tlsFiles.certPath && tlsFiles.keyPath
            ? {
                clientCertPair: { crt: readFileSync(tlsFiles.certPath), key: readFileSync(tlsFiles.keyPath) },
              }
            : {}),
        }
      : false,
    ...(apiKey ? { apiKey } : {}),
  };
}
