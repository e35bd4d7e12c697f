import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Agency, Unit } from '../../db/entities';
import { UNIT_KINDS } from '../../domain/committee';
import { CATEGORIES, LEVELS, parentLevel } from '../../domain/lifecycle';
import { AppError } from '../errors';
import { CODE_PATTERN, problemRef, standardErrors, stringEnum } from '../schemas/common';

const UnitSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  parentCode: Type.Optional(Type.String()),
  population: Type.Integer(),
  committeeName: Type.String(),
  committeeShort: Type.String(),
  kind: Type.String(),
  categories: Type.Optional(Type.Array(Type.String())),
  phone: Type.Optional(Type.String()),
});
/**
 * Above the street (人民调解法 Art. 34): the county's 矛盾纠纷调处中心 (`center`) and its 行业性专业性
 * committees (`professional`, with the categories they take) sit under the county, at county level.
 */
const UnitKindFields = {
  kind: Type.Optional(
    stringEnum(UNIT_KINDS, {
      description:
        "region (default): a node of the region tree; center: the county's 矛盾纠纷调处中心; professional: a 行业性专业性人民调解委员会 taking `categories` (both at county level, under a county)",
    }),
  ),
  categories: Type.Optional(
    Type.Array(stringEnum(CATEGORIES), {
      uniqueItems: true,
      maxItems: CATEGORIES.length,
      description: 'The categories a professional committee takes (物业纠纷人民调解委员会: ["property"])',
    }),
  ),
};
const UnitEditable = {
  name: Type.String({ minLength: 1, maxLength: 128 }),
  population: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'For rates per 10,000 residents' }),
  committeeName: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: 'Default: <name>人民调解委员会' }),
  ),
  committeeShort: Type.String({
    minLength: 1,
    maxLength: 8,
    description: 'In case and agreement numbers: （2026）<short>人调字第N号',
  }),
  phone: Type.Optional(
    Type.String({
      pattern: '^[0-9+][0-9 ()-]{4,30}$',
      description: "The committee's contact telephone (联系电话), printed on its meeting notices",
    }),
  ),
};
const unitView = (u: Unit): Static<typeof UnitSchema> => ({
  code: u.code,
  name: u.name,
  level: u.level,
  parentCode: u.parentCode ?? undefined,
  population: u.population,
  committeeName: u.committeeName,
  committeeShort: u.committeeShort,
  kind: u.kind,
  categories: u.categories ?? undefined,
  phone: u.phone ?? undefined,
});

/** Admin: the region tree and the agencies. Codes are stable: a unit is never re-parented or renamed in code. */
const adminDirectory: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/units',
    {
      schema: {
        tags: ['admin'],
        summary: 'Add a unit under an existing one (one level down: city → county → street → community → grid)',
        body: Type.Object(
          {
            code: Type.String({ pattern: CODE_PATTERN }),
            level: stringEnum(LEVELS),
            parentCode: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
            ...UnitEditable,
            ...UnitKindFields,
          },
          { additionalProperties: false },
        ),
        response: { 201: UnitSchema, 409: problemRef, ...standardErrors },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork();
      const body = request.body;
      if (await em.findOne(Unit, { code: body.code })) throw new AppError('conflict', `unit ${body.code} exists`);
      let path = `/${body.code}/`;
      if (body.level !== 'city' || body.parentCode) {
        const parent = body.parentCode ? await em.findOne(Unit, { code: body.parentCode }) : null;
        if (!parent)
          throw new AppError('validation_failed', 'a unit below the city needs an existing parentCode', {
            errors: [{ field: 'body/parentCode', message: 'is not a unit' }],
          });
        const special = !!body.kind && body.kind !== 'region';
        if (special && !(body.level === 'county' && parent.level === 'county')) {
          throw new AppError(
            'validation_failed',
            '矛盾纠纷调处中心和行业性专业性人民调解委员会设在县级之下，层级为县级 / a center or a professional committee is a county-level unit under a county',
            { errors: [{ field: 'body/level', message: 'county, under a county' }] },
          );
        }
        if (!special && parentLevel(body.level) !== parent.level) {
          throw new AppError(
            'validation_failed',
            `a ${body.level} belongs under a ${parentLevel(body.level) ?? 'nothing'}, not a ${parent.level}`,
            {
              errors: [{ field: 'body/level', message: `does not fit under ${parent.code}` }],
            },
          );
        }
        path = `${parent.path}${body.code}/`;
      }
      const unit = em.create(Unit, {
        ...body,
        path,
        committeeName: body.committeeName ?? `${body.name}人民调解委员会`,
      });
      await em.persistAndFlush(unit);
      return reply.status(201).send(unitView(unit));
    },
  );

  app.patch(
    '/units/:code',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change a unit’s name, population or committee',
        params: Type.Object({ code: Type.String({ pattern: CODE_PATTERN }) }),
        body: Type.Partial(Type.Object(UnitEditable), { additionalProperties: false }),
        response: { 200: UnitSchema, ...standardErrors },
      },
    },
    async (request) => {
      const em = app.orm.em.fork();
      const unit = await em.findOne(Unit, { code: request.params.code });
      if (!unit) throw new AppError('not_found', `no unit ${request.params.code}`);
      em.assign(unit, request.body);
      await em.flush();
      return unitView(unit);
    },
  );

  app.put(
    '/agencies/:code',
    {
      schema: {
        tags: ['admin'],
        summary: "Add or rename an agency, with its representative's contact for invitations (SMS, e-mail)",
        params: Type.Object({ code: Type.String({ pattern: CODE_PATTERN }) }),
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 128 }),
            contactPhone: Type.Optional(
              Type.Union([Type.String({ pattern: '^(\\+86)?1[3-9][0-9]{9}$' }), Type.Null()]),
            ),
            contactEmail: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            code: Type.String(),
            name: Type.String(),
            contactPhone: Type.Optional(Type.String()),
            contactEmail: Type.Optional(Type.String()),
          }),
          ...standardErrors,
        },
      },
    },
    async (request) => {
      const { name, contactPhone, contactEmail } = request.body;
      await app.orm.em.fork().upsert(Agency, {
        code: request.params.code,
        name,
        ...(contactPhone !== undefined ? { contactPhone } : {}),
        ...(contactEmail !== undefined ? { contactEmail } : {}),
      });
      return {
        code: request.params.code,
        name,
        contactPhone: contactPhone ?? undefined,
        contactEmail: contactEmail ?? undefined,
      };
    },
  );
};

export default adminDirectory;
