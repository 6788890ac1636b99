/*
 * A WAL position (pg_lsn). PostgreSQL prints it as 'X/Y', two hexadecimal numbers of up to 32 bits each: compared as
 * text, '9/0' sorts after '10/0'. Here it is one 64-bit BigInt, so `<` and `>=` compare positions.
 */

/** The position 'X/Y' as (X << 32) + Y. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`Not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/**
 * Sixteen hexadecimal digits, zero-padded: two of them compare as text exactly as the positions do, which is what
 * Redis's Lua (numbers are doubles there, 53 bits) can compare safely.
 */
export function lsnKey(lsn: bigint): string {
  return lsn.toString(16).toUpperCase().padStart(16, '0');
}

/** The inverse of lsnKey. */
export function fromLsnKey(key: string): bigint {
  return BigInt(`0x${key}`);
}
