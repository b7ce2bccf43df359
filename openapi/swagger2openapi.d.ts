declare module 'swagger2openapi' {
  import type { Json } from '../src/lib/json.js';

  const swagger2openapi: {
    convertObj(swagger: object, options: Record<string, unknown>): Promise<{ openapi: Json }>;
  };
  export default swagger2openapi;
}
