/**
 * Text that came from outside (MemberID, TransID, a source address, a reason
 * quoting them) as it may appear in a log line: quoted, with control
 * characters, quotes and backslashes escaped, so a CR/LF cannot start a forged
 * line. Cut to `max` characters.
 */
export function logText(value: unknown, max = 200): string {
  const text = String(value ?? '');
  const cutText = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cutText.toWellFormed());
}
