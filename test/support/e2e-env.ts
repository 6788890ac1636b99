/*
 * Every e2e file signs up many users from one IP: rate limits stay far above
 * that unless a test asks for low ones (createTestApp's `env`).
 */
process.env.RATE_LIMIT_AUTH_PER_IP ??= '100000';
process.env.RATE_LIMIT_AUTH_PER_USERNAME ??= '100000';
process.env.RATE_LIMIT_SEND_PER_USER ??= '100000';
process.env.RATE_LIMIT_BROADCAST_PER_USER ??= '100000';
process.env.RATE_LIMIT_REPORT_PER_USER ??= '100000';
