/**
 * The window GET /admin/metrics counts in: `created_from` and `created_to` as seconds since the epoch, a date or a
 * date-time (UTC unless an offset is given). The contract's pattern admits shapes that are no real moment
 * (`2021-02-30`, `24:00`): those answer the same 422 as a malformed value. Barong ignores both parameters
 * (docs/parity.md#metrics-window).
 */
import { unprocessable } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export interface MetricWindow {
  from?: Date;
  /** Included. */
  until?: Date;
  /** Excluded: the end of the day a bare date names. */
  before?: Date;
}

const SECONDS = /^\d{1,12}$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/;
// MariaDB's DATETIME range: a bound outside it would not compare as a date.
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const DAY_MS = 86_400_000;

interface Moment {
  at: number;
  /** A bare date: the whole day. */
  dateOnly: boolean;
}

/** A UTC instant from calendar fields, or undefined when they name no real moment (Date.UTC would roll them over). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number | undefined {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0–99 as they are
  d.setUTCHours(hour, minute, second, ms);
  const same = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  return same && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second
    ? d.getTime()
    : undefined;
}

export function parseMoment(value: string): Moment | undefined {
  if (SECONDS.test(value)) return { at: Number(value) * 1000, dateOnly: false };
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone, sign, oh, om] = m;
  const ms = fraction ? Math.floor(Number(fraction.padEnd(6, '0')) / 1000) : 0;
  const local = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  if (local === undefined) return undefined;
  if (!zone || zone === 'Z') return { at: local, dateOnly: h === undefined };
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const offset = (Number(oh) * 60 + Number(om)) * 60_000;
  return { at: sign === '+' ? local - offset : local + offset, dateOnly: false };
}

const clamp = (ms: number) => new Date(Math.min(Math.max(ms, EARLIEST), LATEST));

/** Throws 422 with the key of each unreadable bound, in parameter order. */
export function metricWindow(createdFrom?: string, createdTo?: string): MetricWindow {
  const from = createdFrom === undefined ? undefined : parseMoment(createdFrom);
  const to = createdTo === undefined ? undefined : parseMoment(createdTo);
  const errors: ErrorKey[] = [];
  if (createdFrom !== undefined && !from) errors.push('admin.metric.invalid_created_from');
  if (createdTo !== undefined && !to) errors.push('admin.metric.invalid_created_to');
  if (errors.length) throw unprocessable(errors);
  const window: MetricWindow = {};
  if (from) window.from = clamp(from.at);
  if (to?.dateOnly) window.before = clamp(to.at + DAY_MS);
  else if (to) window.until = clamp(to.at);
  return window;
}
