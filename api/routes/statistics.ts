import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import ExcelJS from 'exceljs';
import { Unit } from '../../db/entities';
import { mediationStatistics, statisticsTable, toCsv } from '../../domain/mediation-statistics';
import { chinaDate } from '../../domain/safety-index';
import type { DisputeView } from '../../domain/types';
import { LABELS } from '../../templates/labels';
import { AppError } from '../errors';
import { principalOf } from '../plugins/auth';
import { standardErrors, stringEnum } from '../schemas/common';

const ChinaDate = (description: string) =>
  Type.String({ format: 'date', pattern: '^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$', description });

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
const cnDay = (date: string) =>
  `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/**
 * 人民调解工作统计 (the Ministry of Justice's periodic people's-mediation statistics) for a unit's
 * subtree and a period: supervisors for their own area, admins for any unit. JSON, CSV (UTF-8 with a
 * BOM, for Excel) or a spreadsheet (streamed).
 */
const statistics: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/statistics/mediation',
    {
      schema: {
        tags: ['statistics'],
        summary: '人民调解工作统计: cases by type and source, success, agreements, judicial confirmations, performance',
        description:
          'For the cases registered in a unit and the units below it or handled by their committees, counted by what happened in the period (from and to, China dates, both included): ' +
          'registered, accepted (by source), mediation succeeded (an agreement took effect), failed (never an effective agreement; non-performance is not a failure), ' +
          'withdrawn, not accepted (不予受理), written and oral agreements and the money they involve, judicial confirmations applied for and confirmed, ' +
          'agreements found performed or not at a follow-up visit. Supervisors: their own area; admins: any unit. format=csv (UTF-8 with BOM) or xlsx.',
        querystring: Type.Object({
          unit: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: "Default: the caller's unit" })),
          from: Type.Optional(ChinaDate('First day of the period (default: the first of this month)')),
          to: Type.Optional(ChinaDate('Last day of the period, included (default: today)')),
          format: Type.Optional(stringEnum(['json', 'csv', 'xlsx'] as const)),
        }),
        response: {
          200: {
            description: 'The table',
            content: {
              'application/json': {
                schema: Type.Object({
                  unit: Type.Object({ code: Type.String(), name: Type.String() }),
                  from: Type.String(),
                  to: Type.String(),
                  heads: Type.Array(Type.String()),
                  rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number()]))),
                }),
              },
              'text/csv': { schema: Type.String() },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: Type.String({ format: 'binary' }),
              },
            },
          },
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.kind !== 'staff' || (p.role !== 'supervisor' && p.role !== 'admin'))
        throw new AppError(
          'forbidden',
          '人民调解工作统计由主任（本辖区）和管理员查阅 / supervisors (their own area) and admins read the statistics',
        );
      const em = app.orm.em.fork();
      const code = request.query.unit ?? (p.role === 'admin' ? undefined : p.unitCode);
      const unit = code ? await em.findOne(Unit, { code }) : await em.findOne(Unit, { parentCode: null });
      if (!unit) throw new AppError('not_found', `no unit ${code ?? ''}`);
      if (p.role !== 'admin' && !(p.unitPath && unit.path.startsWith(p.unitPath)))
        throw new AppError('forbidden', '只能查阅本辖区的统计 / a supervisor reads the statistics of their own area');
      const today = chinaDate(new Date());
      const from = request.query.from ?? `${today.slice(0, 8)}01`;
      const to = request.query.to ?? today;
      if (to < from)
        throw new AppError('validation_failed', '统计期间的截止日早于起始日 / the period ends before it starts');
      const fromAt = `${from}T00:00:00+08:00`;
      const toAt = `${nextDay(to)}T00:00:00+08:00`;
      // Every case registered in the subtree or handled by one of its committees, open at some point of the period.
      const found = await em.execute<Array<{ state: DisputeView }>>(
        `select state from disputes
         where (unit_path like ? or origin_path like ?)
           and created_at < ? and (closed_at is null or closed_at >= ?)`,
        [`${unit.path}%`, `${unit.path}%`, toAt, fromAt],
      );
      const rows = mediationStatistics(
        found.map((r) => r.state),
        new Date(fromAt).toISOString(),
        new Date(toAt).toISOString(),
      );
      const table = statisticsTable(rows, (c) => LABELS['zh-CN'].category[c] ?? c);
      const title = `${unit.name}人民调解工作统计（${cnDay(from)}至${cnDay(to)}）`;
      const fileName = `mediation-statistics-${unit.code}-${from}-${to}`;
      const format = request.query.format ?? 'json';
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${fileName}.csv"`)
          .send(toCsv([[title], table.heads, ...table.cells]));
      }
      if (format === 'xlsx') {
        const stream = new PassThrough();
        const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true });
        const sheet = book.addWorksheet('人民调解工作统计');
        sheet.addRow([title]).commit();
        const head = sheet.addRow(table.heads);
        head.font = { bold: true };
        head.commit();
        for (const cells of table.cells) sheet.addRow(cells).commit();
        sheet.commit();
        void book.commit().catch((err: unknown) => stream.destroy(err as Error));
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${fileName}.xlsx"`)
          .send(stream);
      }
      return { unit: { code: unit.code, name: unit.name }, from, to, heads: table.heads, rows: table.cells };
    },
  );
};

export default statistics;
