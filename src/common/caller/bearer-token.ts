/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const [scheme, value] = (header ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}

/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3): the scheme, and an error code only when the request
 * carried a token that failed; a request without credentials gets none.
 */
export function bearerChallenge(error?: 'invalid_token'): string {
  return error ? `Bearer realm="parley", error="${error}"` : 'Bearer realm="parley"';
}
