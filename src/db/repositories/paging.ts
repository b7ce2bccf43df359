/** Barong's paginated lists (api-pagination): a 1-based page of `limit` rows, and how many rows match in all. */
export interface PageRequest {
  page: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export const offsetOf = ({ page, limit }: PageRequest): number => (page - 1) * limit;
