declare module 'swagger2openapi' {
  const swagger2openapi: {
    convertObj(swagger: object, options: Record<string, unknown>): Promise<{ openapi: Record<string, any> }>;
  };
  export default swagger2openapi;
}
