import { ValidateBy, type ValidationOptions } from 'class-validator';
import { BOOLEAN_SPELLINGS } from './env-variables.ts';

/*
 * One message per option, not one per failed constraint: `abc` for a number
 * used to earn "must not be greater than", "must not be less than" and "must
 * be an integer" at once. The name of the option (or of the variable that set
 * it) is put in front by resolveBaofooOptions.
 */

/** A number from `min` to `max` (no upper bound when `max` is left out), whole unless `whole` is false. */
function rangeOf(kind: 'intRange' | 'numberRange', min: number, max: number | undefined, options?: ValidationOptions): PropertyDecorator {
  const whole = kind === 'intRange';
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return ValidateBy(
    {
      name: kind,
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && (!whole || Number.isInteger(value)) && value >= min && (max === undefined || value <= max),
        defaultMessage: () => `must be a ${whole ? 'whole number' : 'number'} ${range}, not "$value"`,
      },
    },
    options,
  );
}

/** A whole number from `min` to `max` (no upper bound when `max` is left out). */
export const IntRange = (min: number, max?: number, options?: ValidationOptions) => rangeOf('intRange', min, max, options);

/** A number, fractions allowed, from `min` to `max`. */
export const NumberRange = (min: number, max?: number, options?: ValidationOptions) => rangeOf('numberRange', min, max, options);

/** A boolean; from the environment it was one of the documented spellings. */
export function IsSwitch(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isSwitch', validator: { validate: (value: unknown) => typeof value === 'boolean', defaultMessage: () => `must be true or false (in the environment: ${BOOLEAN_SPELLINGS}), not "$value"` } },
    options,
  );
}
