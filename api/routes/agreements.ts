import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AgreementRecord } from '../../db/entities';
import { canonicalAgreement } from '../../activities/agreements';
import type { Signature } from '../../domain/types';
import { sha256Hex } from '../../security/credentials';
import { maskName } from '../../security/pii';
import { AppError } from '../errors';
import { standardErrors, stringEnum } from '../schemas/common';

const VerifySchema = Type.Object({
  number: Type.String(),
  valid: Type.Boolean({ description: 'The record is intact and, when given, the hash or document matches it' }),
  checked: stringEnum(['record', 'hash', 'document'] as const),
  sha256: Type.String({ description: 'The seal: SHA-256 over the canonical document and signature records' }),
  effectiveAt: Type.String({ format: 'date-time' }),
  committee: Type.String(),
  signers: Type.Array(
    Type.Object({
      signer: Type.String(),
      name: Type.String({ description: 'Masked (surname only)' }),
      method: Type.String(),
      witness: Type.Optional(Type.String()),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
});

/**
 * Public verification of a sealed agreement, for a court, a party or anyone holding a copy: by its
 * number, optionally with the hash printed on it or the document itself. Names are masked.
 */
const agreements: FastifyPluginAsyncTypebox = async (app) => {
  async function verify(number: string, given: { sha256?: string; html?: string }) {
    const em = app.orm.em.fork();
    const record = await em.findOne(AgreementRecord, { number });
    if (!record) throw new AppError('not_found', `no sealed agreement ${number}`);
    const signatures = record.signatures as Signature[];
    const intact = sha256Hex(canonicalAgreement(record.number, record.html, signatures)) === record.sha256;
    let matches = true;
    let checked: 'record' | 'hash' | 'document' = 'record';
    if (given.html !== undefined) {
      checked = 'document';
      matches = sha256Hex(canonicalAgreement(record.number, given.html, signatures)) === record.sha256;
    } else if (given.sha256 !== undefined) {
      checked = 'hash';
      matches = given.sha256.toLowerCase() === record.sha256;
    }
    // The committee whose number it is (the case may have moved on since).
    const [committee] = await em.execute<{ committee_name: string }[]>(
      `select u.committee_name from number_allocations a join units u on u.code = a.unit_code where a.kind = 'agreement' and a.formatted = ?`,
      [record.number],
    );
    return {
      number: record.number,
      valid: intact && matches,
      checked,
      sha256: record.sha256,
      effectiveAt: record.effectiveAt.toISOString(),
      committee: committee?.committee_name ?? '',
      signers: signatures.map((s) => ({
        signer: s.signer,
        name: maskName(s.name),
        method: s.method,
        witness: s.witness ? maskName(s.witness) : undefined,
        at: s.at,
      })),
    };
  }

  const Params = Type.Object({ number: Type.String({ minLength: 1, maxLength: 64 }) });

  app.get(
    '/agreements/:number/verify',
    {
      config: { public: true },
      schema: {
        tags: ['documents'],
        summary: 'Verify a sealed agreement by its number, optionally against the hash printed on a copy',
        security: [],
        params: Params,
        querystring: Type.Object({ sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })) }),
        response: { 200: VerifySchema, ...standardErrors },
      },
    },
    async (request) => verify(request.params.number, { sha256: request.query.sha256 }),
  );

  app.post(
    '/agreements/:number/verify',
    {
      config: { public: true },
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['documents'],
        summary: 'Verify a copy of a sealed agreement: upload the HTML document as it was issued',
        security: [],
        params: Params,
        body: Type.Object({ html: Type.String({ minLength: 1, maxLength: 200_000 }) }, { additionalProperties: false }),
        response: { 200: VerifySchema, ...standardErrors },
      },
    },
    async (request) => verify(request.params.number, { html: request.body.html }),
  );
};

export default agreements;
