/**
 * What the API process needs beyond the ORM and Temporal for the parties in the loop (issue 22), as
 * the configuration asks: the attachment store and its limits, and the one-time codes' SMS.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/env';
import { sendCodeSms } from '../notifications/codes';
import { smsSenderFor } from '../notifications/config';
import { SMS_SIGNATURE } from '../notifications/templates';
import { createAttachmentStore } from '../storage';
import type { AppDeps } from './app';

export function partyServicesFor(
  config: AppConfig,
  orm: MikroORM,
  log: (line: string) => void = (line) => console.log(line),
): Pick<AppDeps, 'attachments' | 'attachmentLimits' | 'sendCode'> {
  const sms = smsSenderFor(config.notifications.sms, log, config.notifications.logRevealsSecrets);
  const signName = config.notifications.sms.provider === 'aliyun' ? config.notifications.sms.signName : SMS_SIGNATURE;
  return {
    attachments: createAttachmentStore(config.attachments, orm),
    attachmentLimits: { maxBytes: config.attachments.maxBytes, maxPerCase: config.attachments.maxPerCase },
    sendCode: (req) => sendCodeSms({ orm, sms, signName }, req),
  };
}
