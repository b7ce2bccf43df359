/**
 * How every router of the app matches paths: exactly as the contract spells them. Case-sensitively, because the
 * validator decides what it checks by the path's spelling (ignorePaths, and its own route lookup, which follows
 * the app's `case sensitive routing`): a router that matched `/API/v2/barong/...` ran handlers the validator had
 * skipped. A trailing slash stays tolerated (`strict: false`), as Barong's routes tolerate it.
 * Routers take these options one by one (Express applies the app setting to the app's own router only), so every
 * router is made here; test/integration/path-spellings.test.ts walks the app and fails on any other.
 */
import { Router } from 'express';

export const ROUTING = { caseSensitive: true, strict: false } as const;

export function createRouter(): Router {
  return Router(ROUTING);
}
