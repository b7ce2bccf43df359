/** The app for restriction tests: countries and continents come from a MaxMind database of TEST_NETWORKS. */
import { startTestApp, type TestApp } from './app.js';
import { temporaryGeoDatabase } from './mmdb-writer.js';

export type GeoTestApp = TestApp & { geoPath: string };

/** The database file is removed when the app closes. */
export async function startGeoTestApp(): Promise<GeoTestApp> {
  const geo = temporaryGeoDatabase();
  const t = await startTestApp({ BARONG_MAXMINDDB_PATH: geo.path }).catch((err: unknown) => {
    geo.remove();
    throw err;
  });
  return {
    ...t,
    geoPath: geo.path,
    async close() {
      await t.close();
      geo.remove();
    },
  };
}

/** No restriction rows, and the policy's cache knows it: each test starts from an open gateway. */
export async function clearRestrictions(t: TestApp): Promise<void> {
  await t.db.knex('restrictions').del();
  await t.services.policy.reload();
}
