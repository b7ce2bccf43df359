import { defineArea } from './area.js';
import { int } from './values.js';

export interface RetentionSettings {
  retention: {
    /** Activities older than this are deleted by the worker (0: kept forever, the default). */
    activityRetentionDays: number;
    /** A user whose last activity is more recent than this may not be erased (anti-money-laundering hold; 0: none). */
    erasureHoldDays: number;
  };
}

export const retention = defineArea({
  title: 'Retention and erasure',
  shape: {
    BARONG_ACTIVITY_RETENTION_DAYS: int(0, 0).describe(
      'days activities are kept; older ones are deleted by the worker, in batches (`0`: forever)',
    ),
    BARONG_ERASURE_HOLD_DAYS: int(1825, 0).describe(
      "days after a user's last activity during which `users erase` refuses (anti-money-laundering records; `0`: no hold)",
    ),
  },
  read(e): RetentionSettings {
    return {
      retention: {
        activityRetentionDays: e.BARONG_ACTIVITY_RETENTION_DAYS,
        erasureHoldDays: e.BARONG_ERASURE_HOLD_DAYS,
      },
    };
  },
});
