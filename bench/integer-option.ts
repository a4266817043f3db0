import { BenchUsageError } from "./benchmark";

/** An integer flag's value in min..max; undefined when the flag is absent. */
export function integerOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new BenchUsageError(`${flag}: '${value}' is not an integer in ${min}..${max}`);
  return n;
}
