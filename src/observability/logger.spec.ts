import { jest } from '@jest/globals';
import { createLogger, useJsonLogs } from './logger.js';
import { requestContext } from './request-context.js';

function capture(write: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    write();
  } finally {
    spy.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the logger', () => {
  const logger = createLogger({ LOG_FORMAT: 'json', NODE_ENV: 'production', LOG_LEVEL: 'log' });

  it('writes JSON lines carrying the id of the request being served', () => {
    const [record] = capture(() => requestContext.run({ requestId: 'r-1' }, () => logger.log('hello', 'Ctx')));
    expect(record).toMatchObject({ level: 'log', message: 'hello', context: 'Ctx', request_id: 'r-1' });
    const [outside] = capture(() => logger.log('bye', 'Ctx'));
    expect(outside).not.toHaveProperty('request_id');
  });

  it('masks secrets in structured fields and in free text', () => {
    const [record] = capture(() =>
      logger.log('GET /chat?token=abc Authorization: Bearer xyz', {
        headers: { Authorization: 'Bearer xyz' },
        body: { password: 'p', token: 't', user_id: 2 },
      }),
    );
    expect(record.message).toBe('GET /chat?token=[REDACTED] Authorization: Bearer [REDACTED]');
    expect(record).toMatchObject({
      headers: { Authorization: '[REDACTED]' },
      body: { password: '[REDACTED]', token: '[REDACTED]', user_id: 2 },
    });
  });

  it('picks JSON off a terminal or in production, text on a developer terminal, LOG_FORMAT above both', () => {
    expect(useJsonLogs({ NODE_ENV: 'development' }, false)).toBe(true);
    expect(useJsonLogs({ NODE_ENV: 'production' }, true)).toBe(true);
    expect(useJsonLogs({ NODE_ENV: 'development' }, true)).toBe(false);
    expect(useJsonLogs({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, false)).toBe(false);
    expect(useJsonLogs({ NODE_ENV: 'development', LOG_FORMAT: 'json' }, true)).toBe(true);
  });
});
