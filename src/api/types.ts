/** Request and reply types for handlers, taken from the generated contract types. */
import type { Request, Response } from 'express';
import type { operations } from '../generated/api.js';
import type { Ability } from '../domain/admin/abilities.js';

export type OperationId = keyof operations;
type Op<O extends OperationId> = operations[O];
type JsonOf<T> = T extends { content: infer C }
  ? C extends { 'application/json': infer J }
    ? J
    : C[keyof C]
  : undefined;

export type BodyOf<O extends OperationId> = JsonOf<NonNullable<Op<O>['requestBody']>>;
export type QueryOf<O extends OperationId> = Op<O>['parameters'] extends { query?: infer Q }
  ? NonNullable<Q>
  : Record<string, never>;
export type PathOf<O extends OperationId> = Op<O>['parameters'] extends { path: infer P } ? P : Record<string, never>;

type Responses<O extends OperationId> = Op<O>['responses'];
type SuccessStatus<O extends OperationId> = {
  [S in keyof Responses<O>]: S extends number ? (`${S}` extends `2${string}` ? S : never) : never;
}[keyof Responses<O>];

/** What a handler returns: one of the success answers its operation documents. Errors are thrown. */
export type Reply<O extends OperationId> = {
  [S in SuccessStatus<O>]: { status: S; body: JsonOf<Responses<O>[S]>; headers?: Record<string, string> };
}[SuccessStatus<O>];

export type ApiRequest<O extends OperationId> = Request<PathOf<O>, unknown, BodyOf<O>, QueryOf<O>>;

export type Handler<O extends OperationId> = (req: ApiRequest<O>, res: Response) => Promise<Reply<O>> | Reply<O>;

/** An admin operation: a `user` caller whose role the permission table and the abilities file both allow. */
export interface AdminAccess {
  admin: Ability;
}

/**
 * Who may call an operation. Every route must say; an open route says `public`. `gateway`: the gateway authorizer
 * (it authenticates by itself), mounted on its own router before the body parsers and the contract validator.
 * Admin operations name the ability they need, as the contract's `x-ability` does.
 */
/** A management operation: a request signed for the named scope of the management configuration. */
export interface ManagementAccess {
  management: string;
}

export type Access = 'public' | 'session' | 'user' | 'gateway' | AdminAccess | ManagementAccess;
export type PlainAccess = Exclude<Access, AdminAccess | ManagementAccess>;

export const management = (scope: string): ManagementAccess => ({ management: scope });

export const admin = (action: Ability['action'], subject: Ability['subject']): AdminAccess => ({
  admin: { action, subject },
});

export const NOT_IMPLEMENTED = 'not_implemented' as const;

export interface RouteSpec<O extends OperationId> {
  access: Access;
  handler: Handler<O> | typeof NOT_IMPLEMENTED;
  /**
   * A `user` operation that answers the caller's account view as it is: its guard reads the view with the user,
   * in one statement (`req.auth.account`), so the handler needs no second round trip.
   */
  readsAccount?: true;
}

export type RouteTable = { [O in OperationId]: RouteSpec<O> };
