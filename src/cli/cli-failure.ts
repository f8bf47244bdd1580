/**
 * The command could not run at all (bad arguments, unusable configuration):
 * exit code 2, kept apart from 1, which means "checked and found invalid".
 */
export class CliFailure extends Error {
  constructor(
    message: string,
    /** Whether the command's usage line helps the reader. */
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_FAILURE = 2;
