import { ValidateBy, type ValidationOptions } from 'class-validator';
import { BOOLEAN_SPELLINGS } from './env-variables.ts';

/*
 * One message per option, not one per failed constraint: `abc` for a number
 * used to earn "must not be greater than", "must not be less than" and "must
 * be an integer" at once. The name of the option (or of the variable that set
 * it) is put in front by resolveBaofooOptions.
 */

/** A whole number from `min` to `max` (no upper bound when `max` is left out). */
export function IntRange(min: number, max?: number, options?: ValidationOptions): PropertyDecorator {
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return ValidateBy(
    {
      name: 'intRange',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= min && (max === undefined || value <= max),
        defaultMessage: () => `must be a whole number ${range}, not "$value"`,
      },
    },
    options,
  );
}

/** A boolean; from the environment it was one of the documented spellings. */
export function IsSwitch(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isSwitch', validator: { validate: (value: unknown) => typeof value === 'boolean', defaultMessage: () => `must be true or false (in the environment: ${BOOLEAN_SPELLINGS}), not "$value"` } },
    options,
  );
}
