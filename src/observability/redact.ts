/*
 * What must never reach a log: bearer tokens, the legacy `token` query and
 * body fields, passwords. Structured values are masked by key in the logger
 * (ConsoleLogger's `redact`); these patterns scrub the same secrets out of
 * free text, such as an error message that quotes a URL or a body.
 */
export const REDACTED = '[REDACTED]';

/** Keys masked at any depth of a logged object (compared case-insensitively). */
export const SECRET_KEYS = [
  'authorization',
  'token',
  'password',
  'password_1',
  'password_2',
  'current_password',
  'new_password_1',
  'new_password_2',
  'password_hash',
];

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/([?&;]token=)[^&\s"']*/gi, `$1${REDACTED}`],
  [/("(?:token|authorization|[a-z_]*password[a-z_0-9]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
];

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
