/**
 * Every API key id (kid) ever issued, as a Redis set, and a mark that the set is complete. While the set is
 * complete, a kid outside it is unknown without a SQL read, so a flood of random kids costs the database nothing.
 * The set only grows (kids of deleted keys stay, and take the ordinary path). Keys made through the services join it
 * before their creator sees them (the API_KEY_CHANGED subscriber); the mark expires after BARONG_AUTHZ_CLAIMS_TTL
 * seconds, after which lookups read SQL again until one process has added every kid of the table again — so a key
 * written by hand in SQL works within the same bound as other changes.
 */
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { Logger } from '../../lib/logger.js';
import type { Repositories } from '../../db/repositories/index.js';

export interface KidSetDeps {
  redis: RedisClient;
  keys: RedisKeys;
  repos: () => Repositories;
  ttlSeconds: number;
  logger: Pick<Logger, 'error'>;
}

const KID_PAGE = 5000;

export class KidSet {
  readonly setKey: string;
  readonly readyKey: string;
  private filling?: Promise<void>;

  constructor(private readonly d: KidSetDeps) {
    this.setKey = d.keys.tagged('gateway', 'authz', 'kids');
    this.readyKey = d.keys.tagged('gateway', 'authz', 'kids', 'ready');
  }

  async register(kids: readonly string[]): Promise<void> {
    if (kids.length) await this.d.redis.sadd(this.setKey, ...kids);
  }

  /**
   * Adds every kid of the table to the set and marks it complete for BARONG_AUTHZ_CLAIMS_TTL seconds. One fill at a
   * time per process; several processes filling at once only add the same kids. Never throws.
   */
  complete(): Promise<void> {
    this.filling ??= (async () => {
      try {
        let after = 0;
        for (;;) {
          const page = await this.d.repos().apiKeys.kidsAfter(after, KID_PAGE);
          if (!page.length) break;
          await this.register(page.map((k) => k.kid));
          after = page[page.length - 1]!.id;
        }
        await this.d.redis.set(this.readyKey, String(Date.now()), 'EX', this.d.ttlSeconds);
      } catch (err) {
        this.d.logger.error(
          { err },
          'gateway authorizer: the set of API key ids could not be filled; unknown kids read SQL',
        );
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }
}
