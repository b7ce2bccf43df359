/**
 * JWT reuse for the gateway authorizer: signing RS256 costs far more than the rest of a check, so
 * the token issued for a session (or an API key) is handed out again while the caller's claims are unchanged and
 * the token still has more than REUSE_MARGIN seconds to live. The claims' version is the exact record string the
 * cache holds (AuthorizerCache), so any change of the claims — or of anything else in the record — signs anew.
 *
 * Reuse never extends what was granted: every request is still authorized in full first; only the signing is
 * skipped. Consequence to know: gateway requests of one session within the window carry the same `jti`. Once
 * another key signs (`keys rotate`), every token is signed anew, so services that pin the new public key at its
 * activation do not meet tokens of the old one.
 * In process memory, bounded (least recently used out first).
 */
import type { SessionClaims } from '../tokens/session-jwt.js';

/** Seconds before expiry after which a token is no longer handed out (at most half its lifetime). */
export const REUSE_MARGIN_SECONDS = 60;
const MAX_ENTRIES = 20_000;

interface Entry {
  version: string;
  /** The kid of the key that signed it. */
  signer: string;
  token: string;
  /** ms epoch until which the token is handed out again. */
  until: number;
}

export class IssuedTokens {
  private readonly entries = new Map<string, Entry>();
  private readonly reuseMs: number;

  constructor(
    private readonly sign: (claims: SessionClaims) => Promise<string>,
    ttlSeconds: number,
    private readonly maxEntries = MAX_ENTRIES,
    /** The kid of the key that signs now. */
    private readonly signer: () => string = () => '',
  ) {
    this.reuseMs = (ttlSeconds - Math.min(REUSE_MARGIN_SECONDS, ttlSeconds / 2)) * 1000;
  }

  /** The token for `holder` (a session or an API key) whose claims are at `version`. */
  async tokenFor(holder: string, version: string, claims: SessionClaims): Promise<string> {
    const now = Date.now();
    const entry = this.entries.get(holder);
    const signer = this.signer();
    if (entry && entry.version === version && entry.signer === signer && now < entry.until) {
      // Most recently used last: Map keeps insertion order, so re-inserting makes eviction LRU.
      this.entries.delete(holder);
      this.entries.set(holder, entry);
      return entry.token;
    }
    const token = await this.sign(claims);
    this.entries.delete(holder);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(holder, { version, signer, token, until: now + this.reuseMs });
    return token;
  }

  /** Drops what was issued for a holder (a session that ended). */
  forget(holder: string): void {
    this.entries.delete(holder);
  }

  get size(): number {
    return this.entries.size;
  }
}
