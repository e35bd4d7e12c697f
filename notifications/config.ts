/** The channels and the service the configuration (config/notifications.ts) asks for. */
import type { NotificationConfig, SmsSettings } from '../config/notifications';
import { AliyunSms } from './aliyun';
import { HttpSmsGateway, LogEmail, LogSms, SmtpEmail, type EmailSender, type SmsSender } from './channels';
import { NotificationService, type LinkFor } from './service';
import { SMS_SIGNATURE } from './templates';

export type { NotificationConfig, SmsSettings };

export function smsSenderFor(sms: SmsSettings, log?: (line: string) => void, revealSecrets = false): SmsSender {
  if (sms.provider === 'aliyun') return new AliyunSms(sms);
  if (sms.provider === 'http') return new HttpSmsGateway(sms.url, sms.secret);
  return new LogSms(log, revealSecrets);
}

export function emailSenderFor(smtp: NotificationConfig['smtp'], log?: (line: string) => void): EmailSender {
  return smtp ? new SmtpEmail(smtp.url, smtp.from) : new LogEmail(log);
}

/** The service the configuration asks for; `linkFor` (parties/links.ts) is the caller's to give. */
export function notificationServiceFor(
  config: NotificationConfig,
  deps: { linkFor: LinkFor; log?: (line: string) => void },
): NotificationService {
  return new NotificationService({
    sms: smsSenderFor(config.sms, deps.log, config.logRevealsSecrets),
    email: emailSenderFor(config.smtp, deps.log),
    linkFor: deps.linkFor,
    quietHours: config.quietHours,
    signName: config.sms.provider === 'aliyun' ? config.sms.signName : SMS_SIGNATURE,
  });
}
