/**
 * Mounts the route table on the contract: every operation of the document gets its handler and its access
 * guard. An operation without a handler, or a handler without an operation, stops the server at start.
 * Operations of access `gateway` go on a router of their own (src/app.ts installs it before the body parsers and
 * the validator), where a trailing `{param}` takes the rest of the path, slashes included, and which also answers
 * under Barong's own base path (GATEWAY_ALIAS_BASE), so existing gateway configurations work unchanged.
 * Access guards run on a router of their own too, ahead of the validator: who is calling is decided before what
 * they sent, so an unauthenticated request gets 401, not a validation error about its body. The operation's IP
 * restrictions come first there, on every operation but the gateway's (which checks them by itself).
 */
import { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { AppError, badRequest } from '../errors/app-error.js';
import { INVALID_PATH } from '../domain/authz/upstream-path.js';
import { operationsOf, type Contract } from './contract.js';
import { NOT_IMPLEMENTED, type Access, type OperationId, type RouteTable, type RouteSpec } from './types.js';

export type Guards = Record<Access, RequestHandler>;

export interface Routers {
  /** The contract's operations, behind the body parsers and the validator. */
  api: Router;
  /** The gateway authorizer's operations. */
  gateway: Router;
  /** The access guards of protected operations, installed before the validator. */
  guards: Router;
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

export function buildRouters(contract: Contract, table: RouteTable, guards: Guards, restrictions = unrestricted): Routers {
  const router = Router();
  const gateway = Router();
  const guardRouter = Router();
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
    if (spec.access === 'gateway') {
      const chain = spec.handler === NOT_IMPLEMENTED ? [notImplemented] : [guards.gateway, toHandler(spec)];
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
    if (spec.handler === NOT_IMPLEMENTED) {
      router[method](expressPath, notImplemented);
      continue;
    }
    guardRouter[method](expressPath, restrictions(id), ...(spec.access === 'public' ? [] : [guards[spec.access]]));
    router[method](expressPath, toHandler(spec));
  }
  // Express decodes `*path` while matching; a path it cannot decode has no canonical form either.
  gateway.use(((err, _req, _res, next) => next(err instanceof URIError ? badRequest(INVALID_PATH) : err)) as ErrorRequestHandler);
  for (const id of Object.keys(table)) {
    if (!mounted.has(id)) problems.push(`handler ${id} has no operation in the contract`);
  }
  if (problems.length) throw new Error(`route table and contract disagree:\n  ${problems.join('\n  ')}`);
  return { api: router, gateway, guards: guardRouter };
}

export function notImplementedOperations(table: RouteTable): OperationId[] {
  return (Object.keys(table) as OperationId[]).filter((id) => table[id].handler === NOT_IMPLEMENTED);
}
