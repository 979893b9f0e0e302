import { Client, Connection } from '@temporalio/client';
import type { Config } from '../core/config';
import { temporalConnectionOptions } from '../core/temporal-connection';
import { dataConverter } from '../core/data-converter';

/** The API's Temporal client, with the same payload codec as the worker. */
export async function createTemporalClient(config: Readonly<Config>): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal.payloadKey),
  });
}
