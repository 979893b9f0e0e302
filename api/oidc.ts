import * as client from 'openid-client';
import type { Config } from '../core/config';
import type { IdentityClaims } from '../core/use-cases/sign-in';

type OidcSettings = NonNullable<Config['auth']['oidc']>;

/** What the login step hands to the callback, kept server-side (core/db/sessions.ts). */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Forthright as an OpenID Connect relying party, through `openid-client` (a certified relying-party
 * library: discovery, the authorization code flow with PKCE, state and nonce, ID token validation
 * against the provider's keys). The provider's metadata is discovered at the first sign-in, not at
 * start, so the API starts while the provider is down; a failed discovery is retried next time.
 */
export class OidcRelyingParty {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    /** The callback URL registered with the provider: PUBLIC_BASE_URL + /auth/oidc/callback. */
    readonly redirectUri: string,
  ) {}

  /** The provider's sign-in page for a new attempt, and the checks the callback must meet. */
  async start(): Promise<{ url: URL; checks: OidcChecks }> {
    const config = await this.config();
    const checks = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /**
   * Exchanges the code in the callback URL and verifies the ID token (signature, issuer, audience,
   * nonce, expiry) and the state and PKCE verifier. Claims missing from the ID token (many
   * providers send groups only from userinfo) are read from the userinfo endpoint.
   */
  async finish(callbackUrl: URL, checks: OidcChecks): Promise<{ issuer: string; claims: IdentityClaims }> {
    const config = await this.config();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    let claims: IdentityClaims = { ...idClaims };
    if (!(this.settings.groupsClaim in idClaims) && config.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...idClaims, [this.settings.groupsClaim]: info[this.settings.groupsClaim] };
    }
    return { issuer: idClaims.iss, claims };
  }

  private config(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((err: unknown) => {
      this.configuration = undefined;
      throw err;
    });
    return this.configuration;
  }

  private discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuerUrl);
    // Plain http only to a provider on this machine (development and the tests); anywhere else TLS.
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    return client.discovery(
      issuer,
      this.settings.clientId,
      { redirect_uris: [this.redirectUri], response_types: ['code'] },
      this.settings.clientSecret ? client.ClientSecretBasic(this.settings.clientSecret) : client.None(),
      issuer.protocol === 'http:' && loopback ? { execute: [client.allowInsecureRequests] } : {},
    );
  }
}
