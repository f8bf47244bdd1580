import type { LoggerService } from '@nestjs/common';

/** Log lines of one app, so a test can read what the module reported. */
export class CapturedLog implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown) {
    this.lines.push({ level: 'log', message: String(message) });
  }
  error(message: unknown) {
    this.lines.push({ level: 'error', message: String(message) });
  }
  warn(message: unknown) {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  debug() {}
  verbose() {}
}
