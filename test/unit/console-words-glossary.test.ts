/**
 * One word for one thing (docs/glossary.md): the console's labels for the terms of the practice are
 * the documents' own (templates/labels.ts GLOSSARY), and the documents use them; every required
 * field of an action form is marked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DICTS } from '../../console/i18n';
import { renderFields } from '../../console/forms';
import { GLOSSARY, LABELS } from '../../templates/labels';

const zh = DICTS['zh-CN'];
const en = DICTS.en;
const G = GLOSSARY['zh-CN'];
const template = (name: string): string => readFileSync(path.join(__dirname, '../../templates', name), 'utf8');

describe('the glossary shared by the console and the documents', () => {
  it('gives the console the documents’ words for the terms (equal labels)', () => {
    const pairs: Array<[string, string, string]> = [
      ['stage.follow_up', zh.stage.follow_up!, G.followUp],
      ['stage.meeting_scheduled', zh.stage.meeting_scheduled!, G.jointMediation],
      ['outcome.failed', zh.outcome.failed!, G.failed],
      ['outcome.not_accepted', zh.outcome.not_accepted!, G.notAccepted],
      ['action.accept', zh.action.accept!, G.accept],
      ['action.refuse', zh.action.refuse!, G.notAccepted],
      ['field.party', zh.field.party!, G.party],
      ['option.mediator', zh.option.mediator!, G.mediator],
      ['documents: role.applicant', LABELS['zh-CN'].role.applicant!, G.applicant],
      ['documents: role.respondent', LABELS['zh-CN'].role.respondent!, G.respondent],
      ['documents: mediator', LABELS['zh-CN'].mediator, G.mediator],
      ['documents: not accepted', LABELS['zh-CN'].caseResult.notAccepted, G.notAccepted],
      ['en stage.follow_up', en.stage.follow_up!, GLOSSARY.en.followUp],
      ['en action.suspend', en.action.suspend!, GLOSSARY.en.suspend],
      ['en documents: role.applicant', LABELS.en.role.applicant!, GLOSSARY.en.applicant],
    ];
    expect(pairs.filter(([, console, doc]) => console !== doc)).toEqual([]);
  });

  it('builds the console’s compound labels from the same words', () => {
    expect(zh.action.suspend).toBe(`${G.suspend}调解`);
    expect(zh.action.resume).toBe(`${G.resume}调解`);
    expect(zh.action.fail).toBe(`${G.terminate}调解（${G.failed}）`);
    expect(zh.action['record-follow-up']).toBe(`记录${G.followUp}`);
    expect(zh.action['record-judicial-confirmation']).toContain(G.judicialConfirmation);
    expect(zh.event.oral_agreement_recorded).toBe(`登记${G.oralAgreement}`);
    expect(zh.deadline.accept).toBe(`${G.accept}时限`);
    expect(zh.field.rightsNotice).toContain(G.rightsNotice);
  });

  it('is what the documents print', () => {
    expect(template('agreement.zh-CN.hbs')).toContain(`<h1>${G.agreement}</h1>`);
    expect(template('oral-agreement.zh-CN.hbs')).toContain(G.oralAgreement);
    expect(template('record.zh-CN.hbs')).toContain('人民调解记录');
    expect(template('follow-up.zh-CN.hbs')).toContain(`人民调解${G.followUp}记录`);
    expect(template('judicial-confirmation.zh-CN.hbs')).toContain(`${G.judicialConfirmation}申请书`);
    expect(template('refusal-notice.zh-CN.hbs')).toContain(`${G.notAccepted}告知书`);
    expect(template('rights-notice.zh-CN.hbs')).toContain(G.rightsNotice);
    expect(template('referral.zh-CN.hbs')).toContain(`${G.committee}应当${G.terminate}调解`);
    expect(template('intake.zh-CN.hbs')).toContain(`人民调解${G.accept}登记表`);
  });
});

describe('required fields', () => {
  const src = { parties: [{ name: '陈某' }, { name: '李某' }], agencies: [{ code: 'a', name: '安监站' }], units: [] };

  it('marks every required field with ＊ and 必填, and sets the attribute where a browser can check it', () => {
    const meeting = renderFields('schedule-meeting', src, zh);
    const marked = meeting.filter((f) => f.marked).map((f) => f.name);
    expect(marked).toEqual(['at', 'agencies']);
    const at = meeting.find((f) => f.name === 'at')!;
    expect([at.required, at.requiredMark, at.requiredWord]).toEqual([true, '＊', '必填']);
    // A checkbox group is marked, but no single box is required.
    expect(meeting.find((f) => f.name === 'agencies')!.required).toBe(false);

    const agreement = renderFields('resolve', src, zh);
    expect(agreement.filter((f) => f.marked).map((f) => f.name)).toEqual([
      'facts',
      'matters',
      'responsibilities',
      'terms',
    ]);
    expect(renderFields('resolve', src, en).find((f) => f.marked)!.requiredWord).toBe('required');
  });
});
