import { defineArea } from './area.js';
import { isHttpUrl, optional } from './values.js';

export interface Auth0Settings {
  /** Auth0 login is configured when clientId and issuerUrl are both set. */
  auth0: { domain?: string; clientId?: string; issuerUrl?: string };
}

export const auth0 = defineArea({
  title: 'Auth0 login',
  shape: {
    BARONG_AUTH0_DOMAIN: optional.describe('the Auth0 tenant, e.g. `tenant.auth0.com`'),
    BARONG_AUTH0_CLIENT_ID: optional.describe('the application whose ID tokens sign users in (their `aud`)'),
    BARONG_AUTH0_ISSUER_URL: optional.meta({
      description:
        "the tenant's issuer (tokens' `iss`); its keys are read from `<issuer>.well-known/jwks.json` (tests use a local stand-in)",
      values: 'http(s) URL',
      default: '`https://<BARONG_AUTH0_DOMAIN>/`',
    }),
  },
  read(e, { problems }): Auth0Settings {
    const issuerUrl =
      e.BARONG_AUTH0_ISSUER_URL ?? (e.BARONG_AUTH0_DOMAIN ? `https://${e.BARONG_AUTH0_DOMAIN}/` : undefined);
    if (issuerUrl && !isHttpUrl(issuerUrl)) {
      problems.push(
        'BARONG_AUTH0_ISSUER_URL (or BARONG_AUTH0_DOMAIN): must give an http(s) URL such as https://tenant.auth0.com/',
      );
    }
    return { auth0: { domain: e.BARONG_AUTH0_DOMAIN, clientId: e.BARONG_AUTH0_CLIENT_ID, issuerUrl } };
  },
});
