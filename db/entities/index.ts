import { Agency } from './agency.entity';
import { AgreementRecord } from './agreement.entity';
import { CaseFileRecord } from './case-file.entity';
import { ContactPreference } from './contact-preference.entity';
import { DataProtectionLog } from './data-protection-log.entity';
import { NoticeDelivery } from './notice-delivery.entity';
import { Alert } from './alert.entity';
import { ApiKey } from './api-key.entity';
import { Attachment, AttachmentChunk } from './attachment.entity';
import { Dispute } from './dispute.entity';
import { DisputeEvent } from './dispute-event.entity';
import { HolidayArrangement } from './holiday-arrangement.entity';
import { IdempotencyKey } from './idempotency-key.entity';
import { Notification } from './notification.entity';
import { NumberAllocation, NumberCounter } from './number-counter.entity';
import { PartyCode } from './party-code.entity';
import { RateLimit } from './rate-limit.entity';
import { RiskKeyword } from './risk-keyword.entity';
import { SavedView } from './saved-view.entity';
import { Session } from './session.entity';
import { Setting } from './setting.entity';
import { SafetyIndexSnapshot } from './safety-index.entity';
import { SlaPolicy } from './sla-policy.entity';
import { StuckCase } from './stuck-case.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';
import { WebhookDelivery, WebhookSubscription } from './webhook.entity';

export {
  Agency,
  AgreementRecord,
  Alert,
  CaseFileRecord,
  ContactPreference,
  DataProtectionLog,
  NoticeDelivery,
  ApiKey,
  Attachment,
  AttachmentChunk,
  Dispute,
  DisputeEvent,
  HolidayArrangement,
  IdempotencyKey,
  Notification,
  NumberAllocation,
  NumberCounter,
  PartyCode,
  RateLimit,
  RiskKeyword,
  SavedView,
  SafetyIndexSnapshot,
  Session,
  Setting,
  SlaPolicy,
  StuckCase,
  Unit,
  User,
  WebhookDelivery,
  WebhookSubscription,
};

export const ENTITIES = [
  Agency,
  AgreementRecord,
  Alert,
  CaseFileRecord,
  ContactPreference,
  DataProtectionLog,
  NoticeDelivery,
  ApiKey,
  Attachment,
  AttachmentChunk,
  Dispute,
  DisputeEvent,
  HolidayArrangement,
  IdempotencyKey,
  Notification,
  NumberAllocation,
  NumberCounter,
  PartyCode,
  RateLimit,
  RiskKeyword,
  SavedView,
  SafetyIndexSnapshot,
  Session,
  Setting,
  SlaPolicy,
  StuckCase,
  Unit,
  User,
  WebhookDelivery,
  WebhookSubscription,
];
