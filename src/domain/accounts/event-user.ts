import type { User } from '../../db/repositories/users-repository.js';

/** Barong's `format_iso8601_time`: UTC, whole seconds (`2026-01-02T03:04:05Z`). */
const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The user as Barong's Event API shows it: ISO-8601 times without fractions, the referrer as a uid. */
export function eventUser(user: User, referralUid: string | null) {
  return {
    uid: user.uid,
    username: user.username,
    email: user.email,
    role: user.role,
    level: user.level,
    otp: user.otp,
    state: user.state,
    referral_uid: referralUid,
    created_at: iso8601(user.createdAt),
    updated_at: iso8601(user.updatedAt),
  };
}

/** The mail language hint of a user: `data.language` when their data is JSON carrying one. */
export function userLanguage(user: Pick<User, 'data'>): string | null {
  if (!user.data) return null;
  try {
    const data = JSON.parse(user.data) as { language?: unknown };
    return typeof data.language === 'string' ? data.language : null;
  } catch {
    return null;
  }
}
