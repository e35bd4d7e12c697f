/**
 * The public report form (GET/POST /p/report) and a reporter's progress page (GET /p/status/{token}).
 * A report goes through reportCase like any API report (api/report-case.ts), as the built-in
 * integrator `public_form` (channel `public-form`), after the same schema check as
 * POST /api/v1/disputes (CreateDisputeSchema); its photos (up to 3) become evidence of the new case
 * (attachments/service.ts, source `public_form`). Spam: parties/report-form.ts.
 */
import { setContactPreference } from '../../notifications/preferences';
import { normalizeIP } from '@fastify/rate-limit';
import { Value } from '@sinclair/typebox/value';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { addAttachment } from '../../attachments/service';
import { Dispute } from '../../db/entities';
import { CATEGORIES } from '../../domain/lifecycle';
import { LABELS } from '../../templates/labels';
import { partyPageModel } from '../../parties/case-page';
import { linkFor, partyLinkSecret } from '../../parties/links';
import {
  HONEYPOT_FIELD,
  MAX_LINKS,
  countLinks,
  formTokenProblem,
  intakeFromForm,
  readReporterStatusToken,
  reportFormToken,
  reporterStatusToken,
  type ReportFormFields,
} from '../../parties/report-form';
import { PgAttachmentStore } from '../../storage/pg-store';
import { parsePoint, nearestUnit, DEFAULT_NEAREST_METRES } from '../open311/locate';
import { AppError } from '../errors';
import { actorOf, type Principal } from '../plugins/auth';
import { startPartySession } from '../party-session';
import { reportCase } from '../report-case';
import { CreateDisputeSchema } from '../schemas/dispute';
import { messagePage, type PartyPagesOptions } from './party';

/** The built-in integrator the public form reports as (no API key has this id). */
export const PUBLIC_FORM_PRINCIPAL: Principal = { kind: 'integrator', id: 'public_form', name: '公众上报表单' };
const MAX_PHOTOS = 3;

type Place = { code: string; name: string; level: string; path: string };

const partyReport: FastifyPluginAsync<PartyPagesOptions> = async (app, opts) => {
  const store = opts.attachmentStore ?? app.attachmentStore ?? new PgAttachmentStore(app.orm);
  const perMinute = Math.min(opts.perMinute ?? 10, 10);
  const perIp = {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (r: { ip: string }) => `p-report:${normalizeIP(r.ip)}`,
  };
  // Over an hour as well: 20 reports per address (a housing estate's shared address stays usable).
  const perIpHour = app.createRateLimit({
    max: 20,
    timeWindow: 3600_000,
    keyGenerator: (r) => `p-report-h:${normalizeIP(r.ip)}`,
  });

  /** The grid picker: communities with their grids, as the directory has them. */
  async function places(selected: string) {
    const rows = await app.orm.em
      .fork()
      .execute<Place[]>(
        `select code, name, level, path from units where kind = 'region' and level in ('community', 'grid') order by path`,
      );
    const groups: Array<{ name: string; items: Array<{ code: string; name: string; selected: boolean }> }> = [];
    for (const u of rows) {
      const item = {
        code: u.code,
        name: u.level === 'community' ? `${u.name}（整个社区）` : u.name,
        selected: u.code === selected,
      };
      if (u.level === 'community') groups.push({ name: u.name, items: [item] });
      else
        (groups.find((g) => u.path.includes(`/${g.items[0]?.code}/`)) ?? groups[groups.length - 1])?.items.push(item);
    }
    return groups;
  }

  async function formPage(
    reply: FastifyReply,
    status: number,
    f: ReportFormFields = {},
    message: string | null = null,
  ) {
    const text = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : '');
    return reply.status(status).view('report.hbs', {
      pageTitle: '反映纠纷',
      csrf: reply.generateCsrf(),
      formToken: reportFormToken(await partyLinkSecret(app.orm.em.fork())),
      message,
      categories: CATEGORIES.map((c) => ({
        value: c,
        label: LABELS['zh-CN'].category[c] ?? c,
        selected: text('category') === c,
      })),
      places: await places(text('gridCode')),
      f: Object.fromEntries(
        ['lat', 'long', 'title', 'description', 'relation', 'otherParty', 'name', 'phone'].map((k) => [k, text(k)]),
      ),
      whoParty: text('who') === 'party',
      whoReporter: text('who') === 'reporter',
      consent: text('consent') === 'yes',
    });
  }

  app.get('/p/report', { config: { public: true } }, async (_request, reply) => formPage(reply, 200));

  app.post('/p/report', { config: { public: true, rateLimit: perIp } }, async (request, reply) => {
    const hour = await perIpHour(request);
    if (!hour.isAllowed && hour.isExceeded)
      throw new AppError('rate_limited', '提交过于频繁，请稍后再试 / too many reports: try again later');
    if (!request.isMultipart())
      throw new AppError('validation_failed', '请使用本页的表单提交 / submit with this page’s form');
    const secret = await partyLinkSecret(app.orm.em.fork());
    const fields: ReportFormFields = {};
    let created: { id: string; caseNumber?: string; party: boolean } | undefined;
    let photos = 0;
    let photoProblem: string | null = null;

    /** Checks the form and reports the case, once the fields are read (before the first photo). */
    const create = async (): Promise<FastifyReply | undefined> => {
      (request as FastifyRequest & { multipartCsrf?: string }).multipartCsrf =
        typeof fields._csrf === 'string' ? fields._csrf : undefined;
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection.call(app, request, reply, (err?: Error) => (err ? reject(err) : resolve())),
      );
      // The honeypot and the form's age: refused with the same words (a robot learns nothing).
      const spam = typeof fields[HONEYPOT_FIELD] === 'string' && (fields[HONEYPOT_FIELD] as string).trim() !== '';
      const tokenProblem = formTokenProblem(secret, fields.formToken);
      if (spam || tokenProblem) {
        request.log.info({ spam, tokenProblem }, 'public report refused');
        return formPage(
          reply,
          400,
          fields,
          '提交未成功：请在本页重新填写后提交（页面停留过短或已过期）。/ Not submitted: fill in the form on this page again.',
        );
      }
      const text = `${fields.title ?? ''} ${fields.description ?? ''} ${fields.otherParty ?? ''}`;
      if (countLinks(text) > MAX_LINKS)
        return formPage(reply, 400, fields, `内容中的网址不能超过 ${MAX_LINKS} 个 / at most ${MAX_LINKS} web links`);
      const point = parsePoint(fields.lat || undefined, fields.long || undefined);
      if (typeof point === 'string') return formPage(reply, 400, fields, point);
      let gridCode = typeof fields.gridCode === 'string' ? fields.gridCode : '';
      if (!gridCode && point) gridCode = (await nearestUnit(app.orm.em.fork(), point, DEFAULT_NEAREST_METRES)) ?? '';
      if (!gridCode) return formPage(reply, 400, fields, '请选择纠纷发生的社区或网格 / choose where the dispute arose');
      // Without consent to be contacted, no phone is kept.
      const form = fields.consent === 'yes' ? fields : { ...fields, phone: '' };
      const intake = intakeFromForm(form, gridCode, point);
      // The API's own schema (POST /api/v1/disputes), then reportCase's rules.
      if (!Value.Check(CreateDisputeSchema, intake)) {
        const errors = [...Value.Errors(CreateDisputeSchema, intake)].slice(0, 3);
        return formPage(
          reply,
          422,
          fields,
          `请检查填写的内容 / check what you entered: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
        );
      }
      try {
        const answer = await reportCase(app, PUBLIC_FORM_PRINCIPAL, intake, { route: 'POST /p/report' });
        const body = answer.body as { id: string; caseNumber?: string };
        created = { id: body.id, caseNumber: body.caseNumber, party: intake.source === 'party_application' };
        // A resident reporting their own dispute who agreed to be contacted gets its notices by SMS
        // (the applicant is party 0; notifications/preferences.ts). A bystander's consent covers no party.
        if (created.party && fields.consent === 'yes' && form.phone)
          await setContactPreference(app.orm.em.fork(), body.id, 0, {
            consent: true,
            channels: ['sms'],
            source: 'public_form',
          });
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return formPage(reply, err.status, fields, err.message);
        throw err;
      }
      return undefined;
    };

    for await (const part of request.parts({
      limits: { files: MAX_PHOTOS, fields: 25, fieldSize: 8 * 1024, fileSize: 10 * 1024 * 1024 + 1 },
    })) {
      if (part.type === 'field') {
        if (!created && typeof part.value === 'string' && part.fieldname !== '__proto__')
          fields[part.fieldname] = part.value;
        continue;
      }
      if (!created) {
        const refused = await create().catch((err: unknown) => {
          part.file.resume();
          throw err;
        });
        if (refused) {
          part.file.resume();
          return refused;
        }
      }
      if (!part.filename) {
        part.file.resume();
        continue;
      }
      try {
        await addAttachment(
          {
            orm: app.orm,
            store,
            temporal: app.temporal,
            ...((opts.attachmentLimits ?? app.attachmentLimits)
              ? { limits: opts.attachmentLimits ?? app.attachmentLimits }
              : {}),
          },
          {
            disputeId: created!.id,
            actor: actorOf(PUBLIC_FORM_PRINCIPAL),
            source: 'public_form',
            fileName: part.filename,
            stream: part.file,
          },
        );
        photos += 1;
      } catch (err) {
        part.file.resume();
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        photoProblem = `有照片未能保存：${err.message}`;
      }
    }
    if (!created) {
      const refused = await create();
      if (refused) return refused;
    }
    const done = created!;
    const row = await app.orm.em.fork().findOne(Dispute, { id: done.id });
    let followUrl: string;
    if (done.party) {
      // The reporter is the applicant (party 0): their page, and a session on it now.
      followUrl = (
        await linkFor(app.orm.em.fork(), opts.publicUrl, { disputeId: done.id, partyIndex: 0, purpose: 'case' })
      ).url;
      await startPartySession(reply, { disputeId: done.id, partyIndex: 0 });
    } else {
      followUrl = `${opts.publicUrl.replace(/\/+$/, '')}/p/status/${reporterStatusToken(secret, done.id)}`;
    }
    return reply.status(201).view('reported.hbs', {
      pageTitle: '已收到',
      caseNumber: done.caseNumber ?? row?.caseNumber ?? '',
      stageTitle: row ? partyPageModel(row.state, 0).stageTitle : '已登记',
      photos,
      photoProblem,
      followUrl,
      party: done.party,
    });
  });

  // A reporter's (反映人's) progress: the stage and what happens next, nothing about the people.
  app.get('/p/status/:token', { config: { public: true } }, async (request, reply) => {
    const id = readReporterStatusToken(
      await partyLinkSecret(app.orm.em.fork()),
      (request.params as { token: string }).token,
    );
    const row = id ? await app.orm.em.fork().findOne(Dispute, { id }) : null;
    if (!row)
      return messagePage(reply, 404, {
        heading: '链接无效',
        message: '这个链接无效。/ This link is not valid.',
        error: true,
      });
    const m = partyPageModel(row.state, 0);
    return reply.view('status.hbs', {
      pageTitle: '办理进度',
      caseNumber: m.caseNumber,
      stageTitle: m.stageTitle,
      next: m.next,
    });
  });
};

export default partyReport;
