import type { LoggerService } from '@nestjs/common';
import type { CliIo } from './cli-io.ts';

function text(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.stack ?? message.message;
  return JSON.stringify(message);
}

/**
 * Nest's log lines (the services a command reuses log through `Logger`),
 * written to stderr: a command's stdout carries only its data, so
 * `npx baofoo … > file` or `| jq` gets nothing else. Debug and verbose lines
 * are dropped, as Nest drops them in production.
 */
export function cliLogger(io: CliIo): LoggerService {
  const line =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      // Nest passes the logger's context last.
      const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? ` [${String(rest.at(-1))}]` : '';
      io.err(`${level}${context} ${text(message)}`);
    };
  const silent = () => undefined;
  return { log: line('LOG'), warn: line('WARN'), error: line('ERROR'), fatal: line('FATAL'), debug: silent, verbose: silent };
}
