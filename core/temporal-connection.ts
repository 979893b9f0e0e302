import type { Config } from './config';

/**
 * Connection options for a local dev server, a self-hosted cluster (TLS) or Temporal Cloud (API
 * key); the same shape suits the client's Connection and the worker's NativeConnection.
 */
export function temporalConnectionOptions(config: Readonly<Config>): {
  address: string;
  tls: object | false;
  apiKey?: string;
} {
  return {
    address: config.temporal.address,
    tls: config.temporal.tls ? {} : false,
    ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}),
  };
}
