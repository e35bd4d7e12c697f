/** The notification settings are validated at boot with the rest of the configuration, every problem named. */
import { ConfigError, loadConfig } from '../../config/env';
import { parseNotificationEnv } from '../../config/notifications';
import { AliyunSms } from '../../notifications/aliyun';
import { HttpSmsGateway, LogSms } from '../../notifications/channels';
import { notificationServiceFor, smsSenderFor } from '../../notifications/config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

it('defaults to SMS in the log and quiet hours 21:00-08:00', () => {
  const config = loadConfig({});
  expect(config.notifications).toEqual({
    sms: { provider: 'log' },
    smtp: undefined,
    quietHours: { start: 21 * 60, end: 8 * 60 },
    // Outside production the log shows one-time codes and link tokens (a demo signs in with them).
    logRevealsSecrets: true,
  });
  expect(smsSenderFor(config.notifications.sms)).toBeInstanceOf(LogSms);
});

it('stars out one-time codes and the parties’ link tokens in the SMS log in production', async () => {
  const text =
    '【枫桥调解】验证码 482913，5分钟内有效。签署：https://t.example.cn/p/sign/abcdefghijklmnopqrstuvwxyz012345.QRSTUV_-wxyz';
  const lines = (reveal: boolean) => {
    const out: string[] = [];
    return { out, sender: new LogSms((l) => out.push(l), reveal) };
  };
  const production = lines(false);
  await production.sender.send({ to: '13800001111', text, key: 'k' });
  expect(production.out.join()).not.toMatch(/482913|abcdefghijklmnop/);
  expect(production.out.join()).toContain('/p/sign/…');
  const demo = lines(true);
  await demo.sender.send({ to: '13800001111', text, key: 'k' });
  expect(demo.out.join()).toContain('482913');
  expect(parseNotificationEnv({ NODE_ENV: 'production' }, []).logRevealsSecrets).toBe(false);
});

it('names what an Aliyun, gateway, SMTP or quiet-hours setting lacks', () => {
  expect(problemsOf({ SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI' }).join('\n')).toMatch(
    /ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME, ALIYUN_SMS_TEMPLATE_CODE/,
  );
  expect(problemsOf({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: 'ftp://x', SMS_GATEWAY_SECRET: 'short' })).toHaveLength(2);
  expect(problemsOf({ SMS_PROVIDER: 'carrier-pigeon' }).join()).toMatch(/SMS_PROVIDER/);
  expect(problemsOf({ SMTP_URL: 'smtp://mail.example.org:587' }).join()).toMatch(/SMTP_FROM/);
  expect(problemsOf({ QUIET_HOURS: '22:00' }).join()).toMatch(/QUIET_HOURS/);
  expect(
    problemsOf({
      NODE_ENV: 'production',
      SMS_PROVIDER: 'log',
      SMTP_URL: 'smtp://m.example.org',
      SMTP_FROM: 'a@b.cn',
    }).join(),
  ).toMatch(/PUBLIC_URL/);
  expect(loadConfig({ QUIET_HOURS: 'off' }).notifications.quietHours).toBeUndefined();
});

it('builds the configured provider', () => {
  const aliyun = loadConfig({
    SMS_PROVIDER: 'aliyun',
    ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI',
    ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
    ALIYUN_SMS_SIGN_NAME: '枫桥调解',
    ALIYUN_SMS_TEMPLATE_CODE: 'SMS_1',
    ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:9/aliyun/',
  }).notifications;
  expect(smsSenderFor(aliyun.sms)).toBeInstanceOf(AliyunSms);
  const http = loadConfig({
    SMS_PROVIDER: 'http',
    SMS_GATEWAY_URL: 'https://sms.example.org/send',
    SMS_GATEWAY_SECRET: '0123456789abcdef',
  });
  expect(smsSenderFor(http.notifications.sms)).toBeInstanceOf(HttpSmsGateway);
  const service = notificationServiceFor(aliyun, { linkFor: () => 'https://x/p/1' });
  expect(service.deps.signName).toBe('枫桥调解');
});
