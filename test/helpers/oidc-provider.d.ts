// oidc-provider ships no type declarations: the little of its API the staff-identity test uses.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  export interface KoaContextWithOIDC {
    oidc: {
      provider: Provider;
      client?: { clientId: string };
      session?: { accountId?: string };
    };
  }

  interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    Grant: new (init: { clientId: string; accountId: string }) => Grant;
    listen(port: number, host: string): Server;
  }
}
