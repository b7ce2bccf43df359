/**
 * `otp/sign` of the management API: a service of the exchange (applogic) has this server co-sign an action its user
 * confirmed with a TOTP code, a withdrawal say. The user must be active with 2FA on, and the code is checked as
 * every code a user submits is (one per-user attempt budget, each time step accepted once). Then this server's
 * signature joins the service's JWS as jwt-multisig adds one: unprotected header `kid: barong` (the signer name
 * consumers know this server by, as for Event API messages), protected header `{"alg": …}` of the signing key, which
 * the JWKS publishes first, over the payload segment as sent. The payload itself is not checked: whoever verifies the
 * co-signed JWS does that. Barong parity: the checks here record no activity.
 */
import { sign } from 'node:crypto';
import { notFound } from '../../errors/app-error.js';
import type { JwtKeys } from '../../lib/jwt-keys.js';
import { EVENT_API_SIGNER } from '../../events/event-envelope.js';
import { ManagementRefusal } from '../management/signed-request.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { OtpCodes } from './otp-codes.js';

export interface OtpCosignerDeps {
  uow: UnitOfWork;
  codes: OtpCodes;
  jwtKeys: JwtKeys;
}

/** A signature entry of a JWS in general JSON serialisation. */
interface JwsSignature {
  protected: string;
  header: { kid: string };
  signature: string;
}

/** The co-signed JWS: the members as sent, the signatures with this server's. */
export interface CosignedJws {
  payload: string;
  signatures: JwsSignature[];
  [member: string]: unknown;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

const invalid = (reason: string) => new ManagementRefusal(422, `JWT is invalid by the reason "${reason}"`);

function isSignature(s: unknown): s is JwsSignature {
  const entry = s as Partial<JwsSignature> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.header === 'object' &&
    entry.header !== null &&
    typeof entry.header.kid === 'string'
  );
}

export class OtpCosigner {
  constructor(private readonly d: OtpCosignerDeps) {}

  /** The JWS with this server's signature added, every other member kept as sent. */
  async cosign(uid: string, code: string, jws: Record<string, unknown>): Promise<CosignedJws> {
    const user = await this.d.uow.repos.users.findByUid(uid);
    if (!user || user.state !== 'active') throw notFound();
    if (!user.otp) throw new ManagementRefusal(422, 'Account has not enabled 2FA');
    if (!(await this.d.codes.accept(this.d.uow.repos, user, code.trim(), 'resource.otp.too_many_attempts'))) {
      throw new ManagementRefusal(422, 'OTP code is invalid');
    }
    return this.addSignature(jws);
  }

  /** Replaces an earlier `barong` signature, as jwt-multisig means to (Barong's compares a string with a symbol). */
  private addSignature(jws: Record<string, unknown>): CosignedJws {
    const { payload, signatures = [] } = jws;
    if (typeof payload !== 'string' || !BASE64URL.test(payload)) throw invalid('payload is not base64url');
    try {
      JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid('payload is not base64url-encoded JSON');
    }
    if (!Array.isArray(signatures) || !signatures.every(isSignature))
      throw invalid('signatures are not JWS signatures');
    const { alg, privateKey } = this.d.jwtKeys;
    const protectedHeader = Buffer.from(JSON.stringify({ alg })).toString('base64url');
    const input = Buffer.from(`${protectedHeader}.${payload}`, 'ascii');
    // Both algorithms hash with SHA-256; a JWS carries an EC signature as r‖s, not DER.
    const signature = sign(
      'sha256',
      input,
      alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
    );
    const ours: JwsSignature = {
      protected: protectedHeader,
      header: { kid: EVENT_API_SIGNER },
      signature: signature.toString('base64url'),
    };
    return { ...jws, payload, signatures: [...signatures.filter((s) => s.header.kid !== EVENT_API_SIGNER), ours] };
  }
}
