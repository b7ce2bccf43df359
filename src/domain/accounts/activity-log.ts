import type { Repositories } from '../../db/repositories/index.js';
import type { ActivityResult } from '../../db/repositories/activities-repository.js';
import type { RequestContext } from './request-context.js';

/** Records a user activity (category `user`, a topic, an action, a result) with the caller's IP and user agent. */
export function recordActivity(
  repos: Repositories,
  ctx: RequestContext,
  userId: number,
  topic: string,
  action: string,
  result: ActivityResult,
  reason?: string,
): Promise<void> {
  return repos.activities.record({
    userId,
    userIp: ctx.ip,
    userIpCountry: ctx.country ?? null,
    userAgent: ctx.userAgent,
    topic,
    action,
    result,
    data: reason ? { reason } : null,
  });
}
