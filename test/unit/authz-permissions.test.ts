/** Permission decisions of the authorizer (reference §5.6) and the admin activity format (§5.7). */
import { describe, expect, it } from 'vitest';
import { PermissionSet, auditTopic, type PermissionRule } from '../../src/domain/authz/permissions.js';
import { adminAction } from '../../src/domain/authz/admin-activity-log.js';

let nextId = 1;
const rule = (role: string, verb: string, path: string, action: string, topic: string | null = null): PermissionRule =>
  ({ id: nextId++, role, verb, path, action, topic }) as PermissionRule;

describe('PermissionSet.decide', () => {
  it('denies a role without rows, and a path no row covers, with a denied audit note', () => {
    const set = new PermissionSet([rule('member', 'GET', 'api/v2/peatio/account', 'ACCEPT')]);
    expect(set.decide('nobody', 'GET', 'api/v2/peatio/account/balances')).toEqual({
      allowed: false,
      audit: { topic: 'general', result: 'denied' },
    });
    expect(set.decide('member', 'GET', 'api/v2/barong/admin/users')).toEqual({
      allowed: false,
      audit: { topic: 'users', result: 'denied' },
    });
  });

  it('accepts on a matching ACCEPT row with no audit note', () => {
    const set = new PermissionSet([rule('member', 'GET', 'api/v2/peatio/account', 'ACCEPT')]);
    expect(set.decide('member', 'GET', 'api/v2/peatio/account/balances')).toEqual({ allowed: true });
  });

  it('matches the verb exactly or through ALL; other methods only through ALL', () => {
    const set = new PermissionSet([
      rule('member', 'GET', 'api/v2/ranger', 'ACCEPT'),
      rule('member', 'ALL', 'api/v2/peatio/market', 'ACCEPT'),
    ]);
    expect(set.decide('member', 'GET', 'api/v2/ranger/public').allowed).toBe(true);
    expect(set.decide('member', 'POST', 'api/v2/ranger/public').allowed).toBe(false);
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE']) {
      expect(set.decide('member', method, 'api/v2/peatio/market/orders').allowed).toBe(true);
    }
    expect(set.decide('member', 'options', 'api/v2/ranger/public').allowed).toBe(false);
    expect(set.decide('member', 'get', 'api/v2/ranger/public').allowed).toBe(true); // method case does not matter
  });

  it('compares plain string prefixes, without a slash boundary (Barong parity)', () => {
    const set = new PermissionSet([rule('member', 'ALL', 'api/v2/peatio/account', 'ACCEPT')]);
    expect(set.decide('member', 'GET', 'api/v2/peatio/account').allowed).toBe(true);
    expect(set.decide('member', 'GET', 'api/v2/peatio/accounts_extra').allowed).toBe(true);
    expect(set.decide('member', 'GET', 'api/v2/peatio/acc').allowed).toBe(false);
    expect(set.decide('member', 'GET', 'xapi/v2/peatio/account').allowed).toBe(false);
  });

  it('DROP beats ACCEPT whatever their order', () => {
    for (const rows of [
      [rule('admin', 'ALL', 'api/v2', 'ACCEPT'), rule('admin', 'ALL', 'api/v2/barong/admin/permissions', 'DROP')],
      [rule('admin', 'ALL', 'api/v2/barong/admin/permissions', 'DROP'), rule('admin', 'ALL', 'api/v2', 'ACCEPT')],
    ]) {
      const set = new PermissionSet(rows);
      expect(set.decide('admin', 'GET', 'api/v2/barong/admin/permissions')).toEqual({
        allowed: false,
        audit: { topic: 'permissions', result: 'denied' },
      });
      expect(set.decide('admin', 'GET', 'api/v2/barong/admin/users').allowed).toBe(true);
    }
  });

  it('AUDIT alone does not allow; with ACCEPT it asks for an activity with the first AUDIT row’s topic', () => {
    const set = new PermissionSet([
      rule('admin', 'POST', 'api/v2/', 'AUDIT', 'writes'),
      rule('admin', 'POST', 'api/v2/barong', 'AUDIT', 'barong'),
      rule('admin', 'ALL', 'api/v2/barong/admin', 'ACCEPT'),
      rule('audited', 'POST', 'api/v2/', 'AUDIT'),
    ]);
    expect(set.decide('admin', 'POST', 'api/v2/barong/admin/users/labels')).toEqual({
      allowed: true,
      audit: { topic: 'writes', result: 'succeed' },
    });
    expect(set.decide('admin', 'GET', 'api/v2/barong/admin/users')).toEqual({ allowed: true });
    expect(set.decide('audited', 'POST', 'api/v2/barong/admin/users')).toEqual({
      allowed: false,
      audit: { topic: 'users', result: 'denied' },
    });
  });

  it('an AUDIT row without topic takes the segment after admin/, else general', () => {
    const set = new PermissionSet([
      rule('superadmin', 'ALL', 'api/v2', 'ACCEPT'),
      rule('superadmin', 'DELETE', 'api/v2/', 'AUDIT'),
    ]);
    expect(set.decide('superadmin', 'DELETE', 'api/v2/barong/admin/restrictions').audit).toEqual({
      topic: 'restrictions',
      result: 'succeed',
    });
    expect(set.decide('superadmin', 'DELETE', 'api/v2/peatio/market/orders').audit).toEqual({
      topic: 'general',
      result: 'succeed',
    });
  });

  it('knows the roles present', () => {
    const set = new PermissionSet([
      rule('member', 'GET', 'api/v2', 'ACCEPT'),
      rule('sa_maker', 'ALL', 'api/v2', 'DROP'),
    ]);
    expect(set.roles.sort()).toEqual(['member', 'sa_maker']);
    expect(set.hasRole('member')).toBe(true);
    expect(set.hasRole('admin')).toBe(false);
  });
});

describe('admin activity format', () => {
  it('topic: the permission topic, else the first segment after admin/, else general', () => {
    expect(auditTopic('api/v2/barong/admin/users/labels', 'kyc')).toBe('kyc');
    expect(auditTopic('api/v2/barong/admin/users/labels', null)).toBe('users');
    expect(auditTopic('api/v2/peatio/admin/orders', null)).toBe('orders');
    expect(auditTopic('api/v2/peatio/admin/', null)).toBe('general');
    expect(auditTopic('api/v2/peatio/market/orders', null)).toBe('general');
    expect(auditTopic('api/v2/x', 't'.repeat(80))).toHaveLength(64);
  });

  it('action from the verb', () => {
    expect(['POST', 'PUT', 'PATCH', 'GET', 'DELETE', 'HEAD', 'OPTIONS'].map(adminAction)).toEqual([
      'create',
      'update',
      'update',
      'read',
      'delete',
      'system',
      'system',
    ]);
  });
});
