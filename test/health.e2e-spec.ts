import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('GET /health', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('is public and reports the database up', async () => {
    const response = await testApp.api().get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('sends for each indicator only what HealthIndicatorDto declares', async () => {
    const spec = JSON.parse(readFileSync('openapi.json', 'utf8'));
    const declared = Object.keys(spec.components.schemas.HealthIndicatorDto.properties).sort();
    const response = await testApp.api().get('/health').expect(200);
    expect(Object.keys(response.body.info.database).sort()).toEqual(declared);
    expect(typeof response.body.info.database.responseTime).toBe('number');
  });

  it('answers 503 without a database in the shape the spec documents for it', async () => {
    const spec = JSON.parse(readFileSync('openapi.json', 'utf8'));
    const documented = spec.paths['/health'].get.responses['503'].content['application/json'].schema.$ref;
    const errorShape = spec.components.schemas.ErrorResponseDto;
    const down = await createTestApp();
    try {
      await down.app.get(DataSource).destroy();
      const response = await down.api().get('/health').expect(503);
      expect(documented).toBe('#/components/schemas/ErrorResponseDto');
      expect(Object.keys(response.body).sort()).toEqual(
        expect.arrayContaining([...(errorShape.required as string[])].sort()),
      );
      expect(Object.keys(response.body).every((key) => key in errorShape.properties)).toBe(true);
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/^Unhealthy/),
        request_id: expect.any(String),
      });
    } finally {
      await down.close();
    }
  });
});
