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

describe('behind a proxy (issue 20)', () => {
  it('requires PUBLIC_URL in production, where it is printed in verification links, and normalises it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL is required with NODE_ENV=production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL 未设置/);
    // The worker and migrations print no links: they start without it.
    expect(loadConfig({ NODE_ENV: 'production' }, { servesApi: false }).publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://tiaojie.example.gov.cn/' }).publicUrl).toBe(
      'https://tiaojie.example.gov.cn',
    );
    expect(loadConfig({ PUBLIC_URL: 'https://example.org/fengqiao/' }).publicUrl).toBe('https://example.org/fengqiao');
    for (const bad of ['ftp://example.org', 'https://user:pw@example.org', 'https://example.org/?a=1', 'example.org'])
      expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
  });

  it('trusts no proxy unless told: a hop count, or addresses and CIDRs; never "every hop"', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,fd00::/8 ,loopback' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true would let any client choose/);
    expect(() => loadConfig({ TRUST_PROXY: '11' })).toThrow(/hop count must be 0 to 10/);
    for (const bad of ['10.0.0.0/33', '127.1', 'proxy.internal', '10.0.0.1,,10.0.0.2', '::1/129'])
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY must be a hop count or a comma list/);
  });

  it('refuses a guessable METRICS_TOKEN', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
  });

  it('reads the session idle timeout, the login lockout and the streams per session, and refuses nonsense', () => {
    expect(loadConfig({})).toMatchObject({
      sessionIdleSeconds: 1800,
      loginLockout: { attempts: 5, seconds: 60, maxSeconds: 3600 },
      streamsPerSession: 3,
    });
    expect(
      loadConfig({
        SESSION_IDLE_SECONDS: '600',
        LOGIN_LOCKOUT_ATTEMPTS: '3',
        LOGIN_LOCKOUT_SECONDS: '30',
        LOGIN_LOCKOUT_MAX_SECONDS: '900',
        ALERT_STREAMS_PER_SESSION: '5',
      }),
    ).toMatchObject({
      sessionIdleSeconds: 600,
      loginLockout: { attempts: 3, seconds: 30, maxSeconds: 900 },
      streamsPerSession: 5,
    });
    expect(() => loadConfig({ SESSION_IDLE_SECONDS: '10' })).toThrow(/SESSION_IDLE_SECONDS must be an integer from 60/);
    expect(() => loadConfig({ LOGIN_LOCKOUT_ATTEMPTS: '0' })).toThrow(/LOGIN_LOCKOUT_ATTEMPTS must be an integer/);
    expect(() => loadConfig({ ALERT_STREAMS_PER_SESSION: 'many' })).toThrow(/ALERT_STREAMS_PER_SESSION must be/);
    expect(() => loadConfig({ LOGIN_LOCKOUT_SECONDS: '600', LOGIN_LOCKOUT_MAX_SECONDS: '300' })).toThrow(
      /LOGIN_LOCKOUT_MAX_SECONDS must be at least LOGIN_LOCKOUT_SECONDS/,
    );
  });
});
