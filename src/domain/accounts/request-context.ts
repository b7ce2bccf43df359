/** Who is asking, as recorded in activities and events. */
export interface RequestContext {
  ip: string;
  userAgent: string;
  /** GeoIP country name of `ip` (BARONG_GEOIP_LANG), when a GeoIP database is configured and knows the address. */
  country?: string;
}
