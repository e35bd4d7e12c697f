import { ConfigError, loadConfig } from '../../config/env';

describe('configuration', () => {
  it('has embedded defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info', demoPassword: 'fengqiao-demo' });
  });

  it('names every missing or malformed variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DEMO_API_KEY: 'short' }, { requireDatabaseUrl: true });
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
});
