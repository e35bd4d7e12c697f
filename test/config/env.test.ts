import { ConfigError, loadConfig } from '../../config/env';

describe('configuration', () => {
  it('has embedded defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      demoPassword: 'fengqiao-demo',
    });
  });

  it('names every missing or malformed variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DEMO_API_KEY: 'short' },
        { requireDatabaseUrl: true },
      );
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toHaveLength(4);
    expect(error!.message).toMatch(/PORT must be an integer/);
    expect(error!.message).toMatch(/DATABASE_URL must use postgres:/);
    expect(error!.message).toMatch(/LOG_LEVEL must be one of/);
    expect(error!.message).toMatch(/DEMO_API_KEY must be at least 32/);
    expect(() => loadConfig({}, { requireDatabaseUrl: true })).toThrow(/DATABASE_URL is required/);
  });

  it('caps the worker cache only when asked, and refuses a malformed cap', () => {
    expect(loadConfig({}).workerMaxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).workerMaxCachedWorkflows).toBe(500);
    expect([
      loadConfig({}).stageSearchAttributes,
      loadConfig({ STAGE_SEARCH_ATTRIBUTES: 'true' }).stageSearchAttributes,
    ]).toEqual([false, true]);
    // A mistyped switch is refused, not read as "off".
    expect(() => loadConfig({ STAGE_SEARCH_ATTRIBUTES: 'yes' })).toThrow(
      /STAGE_SEARCH_ATTRIBUTES must be true or false \(got "yes"\)/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'TRUE' })).toThrow(/WEBHOOK_ALLOW_PRIVATE must be true or false/);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'false' }).webhooks.allowPrivate).toBe(false);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(
      /WORKER_MAX_CACHED_WORKFLOWS must be an integer/,
    );
  });

  it('reads office hours and the notice webhook', () => {
    expect(loadConfig({ OFFICE_HOURS: '09:00-12:00, 13:30-18:00' }).officeHours).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '18:00' },
    ]);
    expect(() => loadConfig({ OFFICE_HOURS: '14:00-12:00' })).toThrow(/OFFICE_HOURS/);
    expect(() => loadConfig({ NOTICE_WEBHOOK_URL: 'https://example.org/hook' })).toThrow(/NOTICE_WEBHOOK_SECRET/);
    expect(
      loadConfig({ NOTICE_WEBHOOK_URL: 'https://example.org/hook', NOTICE_WEBHOOK_SECRET: 'x'.repeat(16) })
        .noticeWebhook,
    ).toEqual({
      url: 'https://example.org/hook',
      secret: 'x'.repeat(16),
    });
  });
});
