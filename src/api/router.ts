/**
 * Mounts the route table on the contract: every operation of the document gets its handler and its access
 * guard. An operation without a handler, or a handler without an operation, stops the server at start.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors/app-error.js';
import { operationsOf, type Contract } from './contract.js';
import { NOT_IMPLEMENTED, type Access, type OperationId, type RouteTable, type RouteSpec } from './types.js';

export type Guards = Record<Access, RequestHandler>;

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

export function buildRouter(contract: Contract, table: RouteTable, guards: Guards): Router {
  const router = Router();
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
    const expressPath = contract.basePath + path.replace(/\{([^}]+)\}/g, ':$1');
    const chain = spec.handler === NOT_IMPLEMENTED ? [notImplemented] : [guards[spec.access], toHandler(spec)];
    router[method](expressPath, ...chain);
  }
  for (const id of Object.keys(table)) {
    if (!mounted.has(id)) problems.push(`handler ${id} has no operation in the contract`);
  }
  if (problems.length) throw new Error(`route table and contract disagree:\n  ${problems.join('\n  ')}`);
  return router;
}

export function notImplementedOperations(table: RouteTable): OperationId[] {
  return (Object.keys(table) as OperationId[]).filter((id) => table[id].handler === NOT_IMPLEMENTED);
}
