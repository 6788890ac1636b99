/*
 * TRUST_PROXY: which peers may tell Express the client's address through
 * X-Forwarded-For. Behind a balancer every client otherwise has the
 * balancer's address, so per-IP rate limits turn into one global limit. Never
 * a blind `true`: anyone could then pick their own address and dodge the
 * limit, so it is a hop count or the balancers' addresses or subnets.
 */
import { isIP } from 'node:net';
import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

// Names Express (proxy-addr) knows for the private ranges.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrSubnet(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** The value for Express's `trust proxy`: a hop count, a list of addresses/subnets, or undefined (trust no one). */
export function parseTrustProxy(value: string | undefined): number | string[] | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const entries = trimmed.split(',').map((entry) => entry.trim());
  if (entries.every(isAddressOrSubnet)) return entries;
  throw new Error(`TRUST_PROXY must be a hop count or a comma-separated list of addresses or subnets`);
}

@ValidatorConstraint({ name: 'trustProxy' })
export class IsTrustProxy implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    try {
      return typeof value === 'string' && (parseTrustProxy(value) !== undefined || value.trim() === '');
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'TRUST_PROXY must be a hop count (e.g. 1) or a comma-separated list of addresses or subnets (e.g. 10.0.0.0/8)';
  }
}
