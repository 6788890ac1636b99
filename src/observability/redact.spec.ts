import { redactText } from './redact.js';

describe('redactText', () => {
  it('masks bearer tokens', () => {
    expect(redactText('authorization: Bearer abc.DEF_123-xyz=')).toBe('authorization: Bearer [REDACTED]');
  });

  it('masks the legacy token query parameter', () => {
    expect(redactText('GET /chat?limit=5&token=s3cr3t&x=1')).toBe('GET /chat?limit=5&token=[REDACTED]&x=1');
    expect(redactText('/current_user?token=s3cr3t')).toBe('/current_user?token=[REDACTED]');
  });

  it('masks token and password fields of a JSON text', () => {
    expect(redactText('{"token":"abc","password_1":"hunter2 \\"x\\"","new_password_2":"p","user_id":2}')).toBe(
      '{"token":"[REDACTED]","password_1":"[REDACTED]","new_password_2":"[REDACTED]","user_id":2}',
    );
  });

  it('leaves other text alone', () => {
    expect(redactText('GET /chat/:user_id 200 1.2 ms')).toBe('GET /chat/:user_id 200 1.2 ms');
  });
});
