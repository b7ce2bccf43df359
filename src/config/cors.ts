import { defineArea } from './area.js';
import { bool, int, list } from './values.js';

export interface CorsSettings {
  /** `'*'`: any origin (Barong's default); otherwise the exact origins allowed. */
  cors: { origins: '*' | string[]; allowCredentials: boolean; maxAge: number };
}

/** An origin is scheme, host and port only: a path or a trailing slash would never equal a browser's `Origin`. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

export const cors = defineArea({
  title: 'Cross-origin requests',
  shape: {
    BARONG_API_CORS_ORIGINS: list('*').meta({
      description: 'origins a browser may call the API from (answered with `Access-Control-Allow-Origin`)',
      values: '`*` or a comma list of origins such as `https://exchange.example`',
    }),
    BARONG_API_CORS_ALLOW_CREDENTIALS: bool(false).describe(
      'let browsers send the session cookie cross-origin; needs an explicit origin list',
    ),
    BARONG_API_CORS_MAX_AGE: int(3600).describe('seconds a browser may cache a preflight answer'),
  },
  read: (e, { problems }): CorsSettings => {
    const any = e.BARONG_API_CORS_ORIGINS.includes('*');
    if (any && e.BARONG_API_CORS_ORIGINS.length > 1)
      problems.push('BARONG_API_CORS_ORIGINS: `*` cannot be combined with origins');
    for (const origin of any ? [] : e.BARONG_API_CORS_ORIGINS) {
      if (!isOrigin(origin))
        problems.push(`BARONG_API_CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin (scheme://host[:port])`);
    }
    // Browsers refuse credentials with `*`; echoing every origin instead would hand the session cookie to any site.
    if (any && e.BARONG_API_CORS_ALLOW_CREDENTIALS) {
      problems.push('BARONG_API_CORS_ALLOW_CREDENTIALS=true needs BARONG_API_CORS_ORIGINS to list origins, not `*`');
    }
    return {
      cors: {
        origins: any ? '*' : e.BARONG_API_CORS_ORIGINS,
        allowCredentials: e.BARONG_API_CORS_ALLOW_CREDENTIALS,
        maxAge: e.BARONG_API_CORS_MAX_AGE,
      },
    };
  },
});
