import type { z } from 'zod';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export interface ReadContext {
  /** Several defaults differ in production (the cookie's Secure flag, the development encryption key). */
  nodeEnv: NodeEnv;
  /** Every check appends here instead of throwing, so one start reports all problems at once. */
  problems: string[];
}

/**
 * One area of the configuration: its variables (each schema carries its description, and its default where the
 * schema cannot show it), the checks that span several variables, and the mapping to the area's slice of Config.
 */
export interface ConfigArea<Shape extends z.ZodRawShape, Slice> {
  /** Heading of the area in docs/configuration.md. */
  title: string;
  shape: Shape;
  /** Variables that hold a secret: each may instead be read from the file `<NAME>_FILE` names (secret-files.ts). */
  secrets?: readonly (keyof Shape & string)[];
  read(values: z.output<z.ZodObject<Shape>>, context: ReadContext): Slice;
}

export const defineArea = <Shape extends z.ZodRawShape, Slice>(area: ConfigArea<Shape, Slice>) => area;
