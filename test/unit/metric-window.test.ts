import { describe, expect, it } from 'vitest';
import { metricWindow, parseMoment } from '../../src/domain/admin/metric-window.js';
import { AppError } from '../../src/errors/app-error.js';

const at = (iso: string) => Date.parse(iso);

describe('parseMoment', () => {
  it.each([
    ['0', at('1970-01-01T00:00:00Z'), false],
    ['1623715200', at('2021-06-15T00:00:00Z'), false],
    ['2021-06-15', at('2021-06-15T00:00:00Z'), true],
    ['2021-06-15T10:16', at('2021-06-15T10:16:00Z'), false],
    ['2021-06-15 10:16:30', at('2021-06-15T10:16:30Z'), false],
    ['2021-06-15T10:16:30.25', at('2021-06-15T10:16:30.250Z'), false],
    ['2021-06-15T10:16:30.123456Z', at('2021-06-15T10:16:30.123Z'), false],
    ['2021-06-15T10:16:30+02:00', at('2021-06-15T08:16:30Z'), false],
    ['2021-06-15T10:16-0530', at('2021-06-15T15:46:00Z'), false],
    ['2024-02-29', at('2024-02-29T00:00:00Z'), true],
  ])('%s', (value, ms, dateOnly) => {
    expect(parseMoment(value)).toEqual({ at: ms, dateOnly });
  });

  it('keeps years below 100 as they are', () => {
    expect(new Date(parseMoment('0050-01-01')!.at).getUTCFullYear()).toBe(50);
  });

  it.each([
    '',
    'yesterday',
    '2021-6-15',
    '2021-06-15T10',
    '-5',
    '2021-02-30',
    '2023-02-29',
    '2021-13-01',
    '2021-00-10',
    '2021-06-15T24:00',
    '2021-06-15T10:60',
    '2021-06-15T10:00:60',
    '2021-06-15T10:00+24:00',
    '2021-06-15T10:00+01:60',
    '1234567890123',
  ])('refuses %j', (value) => {
    expect(parseMoment(value)).toBeUndefined();
  });
});

describe('metricWindow', () => {
  it('is open without bounds', () => {
    expect(metricWindow()).toEqual({});
  });

  it('takes a bare date as created_to to mean the whole day; any other bound is included', () => {
    expect(metricWindow('2021-06-01', '2021-06-30')).toEqual({
      from: new Date('2021-06-01T00:00:00Z'),
      before: new Date('2021-07-01T00:00:00Z'),
    });
    expect(metricWindow(undefined, '2021-06-30T12:00:00Z')).toEqual({ until: new Date('2021-06-30T12:00:00Z') });
  });

  it('keeps bounds within what a DATETIME column holds', () => {
    expect(metricWindow('999999999999', '0001-01-01')).toEqual({
      from: new Date('9999-12-31T23:59:59.999Z'),
      before: new Date('1000-01-01T00:00:00Z'),
    });
  });

  it('refuses each unreadable bound with its own key, created_from first', () => {
    const refusal = (from?: string, to?: string) => {
      try {
        metricWindow(from, to);
      } catch (err) {
        return err instanceof AppError ? { status: err.status, keys: err.keys } : err;
      }
      return undefined;
    };
    expect(refusal('2021-02-30')).toEqual({ status: 422, keys: ['admin.metric.invalid_created_from'] });
    expect(refusal('2021-02-01', 'x')).toEqual({ status: 422, keys: ['admin.metric.invalid_created_to'] });
    expect(refusal('x', 'y')).toEqual({
      status: 422,
      keys: ['admin.metric.invalid_created_from', 'admin.metric.invalid_created_to'],
    });
  });
});
