import { validateCronExpression } from 'cron';

/**
 * The one cron rule of the module's schedules (reconciliation, housekeeping):
 * the cron package's, which @nestjs/schedule runs them with.
 */
export const CRON_RULE = '5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a nickname such as @hourly';

/** Why `expression` is not a schedule, or undefined when it is one; `example` is a good value for that schedule. */
export function cronProblem(expression: string, example: string): string | undefined {
  return validateCronExpression(expression).valid ? undefined : `${JSON.stringify(expression)} is not a cron expression: use ${CRON_RULE}, e.g. "${example}"`;
}
