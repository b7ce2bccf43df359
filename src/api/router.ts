/**
 * Mounts the route table on the contract: every operation of the document gets its handler and its access
 * guard. An operation without a handler, or a handler without an operation, stops the server at start.
 * Operations of access `gateway` go on a router of their own (src/app.ts installs it before the body parsers and
 * the validator), where a trailing `{param}` takes the rest of the path, slashes included, and which also answers
 * under Barong's own base path (GATEWAY_ALIAS_BASE), so existing gateway configurations work unchanged.
 * Access guards run on a router of their own too (the intake), ahead of the validator, each preceded by its
 * operation's IP restrictions (every operation but the gateway's, which checks them by itself) and followed by its
 * body readers: who is calling, and from where, is decided before what they sent is read, so an unauthenticated
 * or restricted request gets 401 or its restriction's answer, not an error about its body.
 */
import type { ErrorRequestHandler, Request, Router, RequestHandler, Response } from 'express';
import { createRouter } from './routing.js';
import { AppError } from '../errors/app-error.js';
import { INVALID_PATH } from '../domain/authz/upstream-path.js';
import { operationsOf, type Contract } from './contract.js';
import { NOT_IMPLEMENTED, type PlainAccess, type OperationId, type RouteTable, type RouteSpec } from './types.js';
import type { Ability } from '../domain/admin/abilities.js';
import type { Json } from '../lib/json.js';
import type { BodyReaderFor } from './middleware/body-readers.js';
import { currentLogContext } from '../lib/log-context.js';

export type Guards = Record<PlainAccess, RequestHandler> & {
  /** Runs after the `user` guard: the permission table on the operation's canonical path, then the ability. */
  admin(ability: Ability, base: string, template: string): RequestHandler;
  /** Opens the signed request for the scope; its verified data becomes the body. */
  management(scope: string): RequestHandler;
  /** The `user` guard reading the account view with the user (RouteSpec.readsAccount); `user` when not given. */
  account?: RequestHandler;
};

/** The contract's `x-management-scope` and the route table's must agree. */
function scopeProblem(id: string, spec: RouteSpec<OperationId>, operation: Json): string | undefined {
  const declared = operation['x-management-scope'] as string | undefined;
  const routed = typeof spec.access === 'object' && 'management' in spec.access ? spec.access.management : undefined;
  if (declared === routed) return undefined;
  return `${id}: the contract's x-management-scope ${JSON.stringify(declared)} and the route table's ${JSON.stringify(routed)} differ`;
}

/** The contract's `x-ability` and the route table's must agree: one operation, one rule. */
function abilityProblem(id: string, spec: RouteSpec<OperationId>, operation: Json): string | undefined {
  const declared = operation['x-ability'] as Ability | undefined;
  const routed = typeof spec.access === 'object' && 'admin' in spec.access ? spec.access.admin : undefined;
  if (!declared && !routed) return undefined;
  if (declared?.action === routed?.action && declared?.subject === routed?.subject) return undefined;
  return `${id}: the contract's x-ability ${JSON.stringify(declared)} and the route table's ${JSON.stringify(routed)} differ`;
}

function guardsFor(guards: Guards, spec: RouteSpec<OperationId>, base: string, template: string): RequestHandler[] {
  const access = spec.access;
  if (typeof access === 'object' && 'management' in access) return [guards.management(access.management)];
  if (typeof access === 'object') return [guards.user, guards.admin(access.admin, base, template)];
  if (access === 'user' && spec.readsAccount) return [guards.account ?? guards.user];
  return access === 'public' ? [] : [guards[access]];
}

export interface Routers {
  /** The contract's operations, behind the body parsers, each with its validator before its handler. */
  api: Router;
  /** The gateway authorizer's operations. */
  gateway: Router;
  /** Each operation's access guard (protected operations) and body readers, installed before the validator. */
  intake: Router;
}

/** Barong mounts the authorizer at `/api/v2/auth/*`; gateways configured for Barong call that path. */
export const GATEWAY_ALIAS_BASE = '/api/v2';

const notImplemented: RequestHandler = () => {
  throw new AppError(501, 'server.not_implemented');
};

function send(res: Response, reply: { status: number; body?: unknown; headers?: Record<string, string> }): void {
  if (reply.headers) res.set(reply.headers);
  if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}

/**
 * A handler runs only for a request the validator checked as this very operation. Routing and the validator match
 * paths separately; should they ever disagree about a spelling (letter case, say), the request names no route
 * rather than reaching a handler unchecked.
 */
function validatedAs(req: Request, id: OperationId): boolean {
  return (req as Request & { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId === id;
}

function toHandler(spec: RouteSpec<OperationId>): RequestHandler {
  const handler = spec.handler;
  if (handler === NOT_IMPLEMENTED) return notImplemented;
  return async (req, res) => {
    send(res, await handler(req as never, res));
  };
}

/** An operation's IP-restriction check (src/api/auth/restriction-guard.ts), run before its access guard. */
export type Restrictions = (operationId: OperationId) => RequestHandler;

const unrestricted: Restrictions = () => (_req, _res, next) => next();

/** From here on, the request's log lines name its operation. */
function named(id: OperationId): RequestHandler {
  return (_req, _res, next) => {
    const context = currentLogContext();
    if (context) context.operationId = id;
    next();
  };
}

function onlyValidated(id: OperationId, handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (!validatedAs(req, id)) throw new AppError(404, 'route.not_found');
    return handler(req, res, next);
  };
}

/** The contract validator of one operation (src/api/operation-validators.ts), run on its route before its handler. */
export type ValidatorFor = (path: string, method: string) => RequestHandler;

export function buildRouters(
  contract: Contract,
  table: RouteTable,
  guards: Guards,
  readBody: BodyReaderFor,
  validate: ValidatorFor,
  restrictions: Restrictions = unrestricted,
): Routers {
  const router = createRouter();
  const gateway = createRouter();
  const intake = createRouter();
  const problems: string[] = [];
  const mounted = new Set<string>();
  for (const { path, method, operation } of operationsOf(contract.oas3)) {
    const id = operation.operationId as OperationId | undefined;
    const spec = id ? (table[id] as RouteSpec<OperationId> | undefined) : undefined;
    if (!id || !spec) {
      problems.push(`${method.toUpperCase()} ${path}: operation ${id ?? '(no operationId)'} has no handler`);
      continue;
    }
    mounted.add(id);
    const abilityMismatch = abilityProblem(id, spec, operation);
    if (abilityMismatch) problems.push(abilityMismatch);
    const scopeMismatch = scopeProblem(id, spec, operation);
    if (scopeMismatch) problems.push(scopeMismatch);
    if (spec.access === 'gateway') {
      const chain = [
        named(id),
        ...(spec.handler === NOT_IMPLEMENTED ? [notImplemented] : [guards.gateway, toHandler(spec)]),
      ];
      const gatewayPath = path.replace(/\{([^}]+)\}$/, '*$1').replace(/\{([^}]+)\}/g, ':$1');
      // The bare path too, for gateways that call a fixed address with the original request in X-Forwarded-* (Traefik).
      const barePath = path.replace(/\/\{[^}]+\}$/, '');
      for (const base of [contract.basePath, GATEWAY_ALIAS_BASE]) {
        gateway[method](base + gatewayPath, ...chain);
        gateway[method](base + barePath, ...chain);
      }
      continue;
    }
    const expressPath = contract.basePath + path.replace(/\{([^}]+)\}/g, ':$1');
    // An operation not built yet still admits only its callers: who may call is decided before anything else.
    // The management API is called by the exchange's own services, not through the gateway: no IP restrictions.
    const restricted = typeof spec.access === 'object' && 'management' in spec.access ? [] : [restrictions(id)];
    const admit = [named(id), ...restricted, ...guardsFor(guards, spec, contract.basePath, path)];
    if (spec.handler === NOT_IMPLEMENTED) {
      intake[method](expressPath, ...admit);
      router[method](expressPath, validate(path, method), notImplemented);
      continue;
    }
    intake[method](expressPath, ...admit, ...readBody(operation));
    router[method](expressPath, validate(path, method), onlyValidated(id, toHandler(spec)));
  }
  // Express decodes `*path` while matching; a path it cannot decode has no canonical form either: a bad request to
  // the authorizer, as its contract says, not a missing route (the error handler answers 404 elsewhere).
  gateway.use(((err, _req, _res, next) =>
    next(err instanceof URIError ? new AppError(400, INVALID_PATH, { cause: err }) : err)) as ErrorRequestHandler);
  for (const id of Object.keys(table)) {
    if (!mounted.has(id)) problems.push(`handler ${id} has no operation in the contract`);
  }
  if (problems.length) throw new Error(`route table and contract disagree:\n  ${problems.join('\n  ')}`);
  return { api: router, gateway, intake };
}

export function notImplementedOperations(table: RouteTable): OperationId[] {
  return (Object.keys(table) as OperationId[]).filter((id) => table[id].handler === NOT_IMPLEMENTED);
}
