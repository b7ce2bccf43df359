/** Barong's paging headers (api-pagination): every matching record, the page size, the page. */
export function pagingHeaders(page: { total: number; page: number; limit: number }): Record<string, string> {
  return { Total: String(page.total), 'Per-Page': String(page.limit), Page: String(page.page) };
}
