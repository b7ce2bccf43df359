/**
 * The queue dashboard's writes, and the hooks Bull Board runs around each of its API routes: before, whether the
 * caller's role may take this action (and whether anyone may); after, the admin activity of an action that took
 * effect, and the masking of the free text (failure reasons, stack traces, job logs) the board's formatters cannot
 * reach. A write route this table does not name is refused, so a board upgrade that adds an action cannot run it
 * unrecorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { BoardHooks, ControllerHandlerReturnType, HookContext } from '@bull-board/api/typings/app';
import type { Abilities } from '../../domain/admin/abilities.js';
import type { AdminActor } from '../../domain/admin/admin-actor.js';
import type { QueueBoardAction, QueueBoardAudit } from '../../domain/admin/queue-board-audit.js';
import type { Logger } from '../../lib/logger.js';
import { redactText } from '../../queues/job-redaction.js';
import { isWrite } from './board-access.js';

type Kind = QueueBoardAction['kind'];

/** `METHOD route` of each write Bull Board offers → what the activity calls it and which ability it needs. */
const WRITES: Record<string, { action: string; kind: Kind }> = {
  'PUT /api/queues/pause': { action: 'pause_all', kind: 'update' },
  'PUT /api/queues/resume': { action: 'resume_all', kind: 'update' },
  'PUT /api/queues/:queueName/retry/:queueStatus': { action: 'retry_all', kind: 'update' },
  'PUT /api/queues/:queueName/promote': { action: 'promote_all', kind: 'update' },
  'PUT /api/queues/:queueName/clean/:queueStatus': { action: 'clean_all', kind: 'delete' },
  'PUT /api/queues/:queueName/pause': { action: 'pause', kind: 'update' },
  'PUT /api/queues/:queueName/resume': { action: 'resume', kind: 'update' },
  'PUT /api/queues/:queueName/concurrency': { action: 'set_concurrency', kind: 'update' },
  'PUT /api/queues/:queueName/rate-limit': { action: 'set_rate_limit', kind: 'update' },
  'PUT /api/queues/:queueName/rate-limit/release': { action: 'release_rate_limit', kind: 'update' },
  'PUT /api/queues/:queueName/empty': { action: 'empty', kind: 'delete' },
  'PUT /api/queues/:queueName/obliterate': { action: 'obliterate', kind: 'delete' },
  'PUT /api/queues/:queueName/job-schedulers/:schedulerId/remove': { action: 'remove_scheduler', kind: 'delete' },
  'PATCH /api/queues/:queueName/job-schedulers/:schedulerId': { action: 'update_scheduler', kind: 'update' },
  'PUT /api/queues/:queueName/job-schedulers/:schedulerId/run': { action: 'run_scheduler', kind: 'create' },
  'PUT /api/queues/:queueName/:jobId/retry': { action: 'retry', kind: 'update' },
  'PUT /api/queues/:queueName/:jobId/clean': { action: 'remove', kind: 'delete' },
  'PUT /api/queues/:queueName/:jobId/promote': { action: 'promote', kind: 'update' },
  'PATCH /api/queues/:queueName/:jobId/delay': { action: 'change_delay', kind: 'update' },
  'PATCH /api/queues/:queueName/:jobId/priority': { action: 'change_priority', kind: 'update' },
  'PUT /api/queues/:queueName/:jobId/remove-unprocessed-children': { action: 'remove_children', kind: 'delete' },
};

/**
 * Refused to everyone: the board shows job data redacted, so "edit data" or "duplicate" would write the
 * placeholders back in place of the sealed recipient and code; a job made by hand skips the outbox's guarantees.
 */
const REFUSED = new Set(['POST /api/queues/:queueName/add', 'PATCH /api/queues/:queueName/:jobId/update-data']);

const ABILITY_ACTION = { create: 'create', update: 'update', delete: 'destroy' } as const;

/** The admin behind the board request in hand: set by the board's middleware, read by its hooks. */
export const boardActor = new AsyncLocalStorage<AdminActor>();

const routeKey = ({ method, route }: HookContext) => `${method.toUpperCase()} ${route}`;

const refuse = (message: string) => ({
  allow: false,
  status: 403 as const,
  errorKey: 'ERRORS.FORBIDDEN' as const,
  message,
});

export interface BoardHookDeps {
  abilities: () => Abilities;
  audit: QueueBoardAudit;
  logger: Logger;
}

interface JobView {
  failedReason?: unknown;
  stacktrace?: unknown;
}

function maskJob(job: JobView | undefined): void {
  if (!job) return;
  if (typeof job.failedReason === 'string') job.failedReason = redactText(job.failedReason);
  if (Array.isArray(job.stacktrace)) job.stacktrace = job.stacktrace.map((line) => redactText(String(line)));
}

/** Masks the free text of every job a read answers with (the list of queues, one job, a job's log lines). */
function maskReadBody(key: string, result: ControllerHandlerReturnType): ControllerHandlerReturnType {
  const body = result.body as Record<string, unknown> | unknown[];
  if (Array.isArray(body)) {
    if (key.endsWith('/logs')) return { ...result, body: body.map((line) => redactText(String(line))) as never };
    return result;
  }
  if (body && typeof body === 'object') {
    const queues = (body as { queues?: { jobs?: JobView[] }[] }).queues;
    if (Array.isArray(queues)) queues.forEach((q) => q.jobs?.forEach(maskJob));
    maskJob((body as { job?: JobView }).job);
  }
  return result;
}

/** The record of a write that took effect; none for one that changed nothing (a retry of all of no failed job). */
function recordOf(key: string, params: Record<string, unknown>, body: unknown): QueueBoardAction | undefined {
  const write = WRITES[key];
  if (!write) return undefined;
  const retried = (body as { retried?: unknown } | undefined)?.retried;
  if (retried === 0) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    ...write,
    ...(str(params.queueName) ? { queue: str(params.queueName) } : {}),
    ...(str(params.jobId) ? { job: str(params.jobId) } : {}),
    ...(str(params.queueStatus) ? { status: str(params.queueStatus) } : {}),
    ...(typeof retried === 'number' ? { count: retried } : {}),
  };
}

export function boardHooks(d: BoardHookDeps): BoardHooks {
  return {
    async before(ctx) {
      if (!isWrite(ctx.method)) return undefined;
      const key = routeKey(ctx);
      const actor = boardActor.getStore();
      const write = WRITES[key];
      if (!actor || REFUSED.has(key) || !write) return refuse('this action is not offered on this server');
      const ability = { action: ABILITY_ACTION[write.kind], subject: 'Queue' } as const;
      if (!d.abilities().can(actor.user.role, ability)) return refuse('your role may not do this');
      if (write.action === 'retry_all' && ctx.request.params.queueStatus !== 'failed') {
        return refuse('only failed jobs are retried');
      }
      if (write.action === 'retry') {
        const job = await ctx.request.queues
          .get(String(ctx.request.params.queueName))
          ?.getJob(String(ctx.request.params.jobId));
        if (job && (await job.getState()) !== 'failed') return refuse('only failed jobs are retried');
      }
      return undefined;
    },

    async after(ctx, result) {
      const key = routeKey(ctx);
      if (!isWrite(ctx.method)) return maskReadBody(key, result);
      if ((result.status ?? 200) >= 400) return result;
      const record = recordOf(key, ctx.request.params, result.body);
      const actor = boardActor.getStore();
      if (record && actor) {
        try {
          await d.audit.record(actor, record);
        } catch (err) {
          // The action took effect but its record did not: the board shows an error, the log keeps what was done.
          d.logger.error({ err, action: record }, 'queue board: the admin activity of an action could not be recorded');
          throw err;
        }
      }
      return result;
    },
  };
}
