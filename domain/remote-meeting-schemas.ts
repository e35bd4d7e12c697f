/**
 * The payload fields of remote participation (issue 22 item 6), spread into schedule-meeting and
 * record-attendance (domain/action-payloads.ts). The rules a schema cannot say in two languages (a
 * link is required for a remote meeting, no credentials in it) are checked by domain/remote-meeting.ts,
 * at the API's boundary (400) and in the workflow's validator (422 for callers that reach Temporal).
 */
import { Type } from '@sinclair/typebox';
import { CODE_PATTERN, stringEnum } from './schema';
import { ATTENDANCE_HOW, MEETING_MODES, REMOTE_LINK_MAX } from './remote-meeting';

export const REMOTE_MEETING_FIELDS = {
  mode: Type.Optional(
    stringEnum(MEETING_MODES, {
      description:
        'on_site 现场 (default), remote 远程视频, mixed 现场与远程相结合. The video itself is not built: the link is recorded and sent',
    }),
  ),
  remoteLink: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: REMOTE_LINK_MAX,
      description:
        'The video meeting link: https:// only, no user name or password in it; required when mode is remote or mixed (400 otherwise)',
      examples: ['https://meeting.tencent.com/dm/AbCdEf'],
    }),
  ),
  remotePlatform: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The platform and how to join, as text: e.g. 腾讯会议 会议号 123-456-789 密码 2468',
    }),
  ),
};

const IsoInstant = Type.String({ format: 'date-time' });

/** One participant of the meeting: a party (by index), a summoned agency (by code), or another person. */
export const ATTENDANCE_PARTICIPANT = Type.Object(
  {
    party: Type.Optional(Type.Integer({ minimum: 0, maximum: 19, description: "The party's index" })),
    agency: Type.Optional(Type.String({ pattern: CODE_PATTERN, description: 'A summoned or invited agency, by code' })),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "An agency representative's name, or another person's (required for another person)",
      }),
    ),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Another person's unit" })),
    present: Type.Boolean({ description: 'Attended (到场 or 远程) or not (未到)' }),
    how: Type.Optional(
      stringEnum(ATTENDANCE_HOW, { description: 'on_site 到场 (default when present) or remote 远程视频参加' }),
    ),
    joinedAt: Type.Optional(IsoInstant),
    leftAt: Type.Optional(IsoInstant),
  },
  { additionalProperties: false },
);

export const ATTENDANCE_PARTICIPANTS = Type.Array(ATTENDANCE_PARTICIPANT, {
  maxItems: 60,
  description:
    'Who took part, one entry each: the parties, the agencies summoned, other persons; present or not and how (on site or by video). The older present/persons form stays valid',
});
