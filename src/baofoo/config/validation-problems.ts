import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

function flatten(errors: ValidationError[], prefix: string): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`), ...flatten(e.children ?? [], path)];
  });
}

/** What is wrong with `value` as a `dto`, one line per problem, each led by the option's path under `prefix`. */
export function validationProblems<T extends object>(dto: ClassConstructor<T>, value: unknown, prefix = ''): string[] {
  return flatten(validateSync(plainToInstance(dto, value ?? {}) as object, { forbidUnknownValues: false }), prefix);
}
