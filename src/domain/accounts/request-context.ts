/** Who is asking, as recorded in activities and events. */
export interface RequestContext {
  ip: string;
  userAgent: string;
}
