import type { Knex } from 'knex';
import { UsersRepository } from './users-repository.js';
import { LabelsRepository } from './labels-repository.js';
import { LevelsRepository } from './levels-repository.js';
import { ActivitiesRepository } from './activities-repository.js';
import { RestrictionsRepository } from './restrictions-repository.js';
import { KycRepository } from './kyc-repository.js';

/** Every repository over one connection or transaction, so a service can write several tables atomically. */
export function repositories(db: Knex) {
  return {
    users: new UsersRepository(db),
    labels: new LabelsRepository(db),
    levels: new LevelsRepository(db),
    activities: new ActivitiesRepository(db),
    restrictions: new RestrictionsRepository(db),
    kyc: new KycRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
