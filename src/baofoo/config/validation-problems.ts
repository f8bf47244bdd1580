import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** One line per option, named by `name`, with the message of its first failed rule (one statement, not one per rule). */
function flatten(errors: ValidationError[], prefix: string, name: (path: string) => string): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const first = Object.values(e.constraints ?? {})[0];
    return [...(first ? [`${name(path)}: ${first}`] : []), ...flatten(e.children ?? [], path, name)];
  });
}

/**
 * What is wrong with `value` as a `dto`, one line per option, each led by the
 * option's path under `prefix`, or by what `name` calls that path (the
 * variable that set it: see `optionNamer`).
 */
export function validationProblems<T extends object>(dto: ClassConstructor<T>, value: unknown, prefix = '', name: (path: string) => string = (path) => path): string[] {
  return flatten(validateSync(plainToInstance(dto, value ?? {}) as object, { forbidUnknownValues: false }), prefix, name);
}
