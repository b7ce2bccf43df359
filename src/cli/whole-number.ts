import { InvalidArgumentError } from 'commander';

/** A commander argument parser: a whole number of at least `min`. */
export const wholeNumber =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) throw new InvalidArgumentError(`a whole number of at least ${min}`);
    return n;
  };
