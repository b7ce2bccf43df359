/** A route table for the whole contract with nothing built yet, and guards that let everyone through. */
import type express from 'express';
import { operationsOf, type Contract } from '../../src/api/contract.js';
import { NOT_IMPLEMENTED, type RouteTable } from '../../src/api/types.js';

/** Every operation answers 501; admin and management operations keep the contract's ability or scope, as the router requires. */
export function notImplementedTable(contract: Contract): Record<string, { access: unknown; handler: unknown }> {
  return Object.fromEntries(
    operationsOf(contract.oas3).map(({ operation }) => {
      const ability = operation['x-ability'];
      const scope = operation['x-management-scope'];
      const access = ability ? { admin: ability } : scope ? { management: scope } : 'public';
      return [operation.operationId, { access, handler: NOT_IMPLEMENTED }];
    }),
  ) as Record<string, { access: unknown; handler: unknown }>;
}

export const asRouteTable = (table: Record<string, unknown>) => table as unknown as RouteTable;

const pass: express.RequestHandler = (_req, _res, next) => next();
export const openGuards = {
  public: pass,
  session: pass,
  user: pass,
  gateway: pass,
  admin: () => pass,
  management: () => pass,
};
