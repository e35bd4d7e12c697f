import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { AgreementRecord } from '../../db/entities';
import { verificationKey } from '../../db/verification-key';
import { canonicalAgreement } from '../../activities/agreements';
import type { Signature } from '../../domain/types';
import { sha256Hex } from '../../security/credentials';
import { maskName } from '../../security/pii';
import { codeMatches } from '../../security/verification-code';
import { REDUCED_DOCUMENT_MARK } from '../../ops/reduce-personal-data';
import { AppError } from '../errors';
import { standardErrors, stringEnum } from '../schemas/common';

const VerifySchema = Type.Object({
  number: Type.String(),
  valid: Type.Boolean({ description: 'The record is intact and, when given, the hash or document matches it' }),
  checked: stringEnum(['record', 'hash', 'document'] as const),
  reduced: Type.Optional(
    Type.Boolean({
      description:
        'The archival period ended and the document was reduced (docs/retention.md): only a hash can still be checked',
    }),
  ),
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

const CodeQuery = Type.Optional(
  Type.String({
    maxLength: 64,
    description:
      'The verification code (核验码) printed on the agreement and its certificate, as in the QR code. Without it, or with a wrong one, the answer is the 404 of an unknown number.',
  }),
);

/**
 * Public verification of a sealed agreement, for a court, a party or anyone holding a copy: by its
 * number and the verification code printed on it (核验码; security/verification-code.ts), optionally
 * with the hash printed on it or the document itself. Names are masked. Without the right code the
 * answer is exactly that of a number that does not exist, and the code is checked before the agreement
 * is looked up, so neither the answer nor its timing tells whether a number exists: sequential numbers
 * cannot be enumerated. Guessing codes is limited per client address like logins.
 */
const agreements: FastifyPluginAsyncTypebox<{ perMinute: number }> = async (app, { perMinute }) => {
  const notFound = (number: string) =>
    new AppError('not_found', `没有已生效的调解协议 ${number} / no sealed agreement ${number}`);

  async function verify(number: string, code: string | undefined, given: { sha256?: string; html?: string }) {
    const em = app.orm.em.fork();
    if (!codeMatches(await verificationKey(em), number, code)) throw notFound(number);
    const record = await em.findOne(AgreementRecord, { number });
    if (!record) throw notFound(number);
    const signatures = record.signatures as Signature[];
    // Reduced after its archival period (ops/retention.ts): the document is gone, the seal (its SHA-256) kept
    // unchanged by the database, so a hash can still be checked against it, a document no longer.
    const reduced = record.html.includes(REDUCED_DOCUMENT_MARK);
    const intact = reduced || sha256Hex(canonicalAgreement(record.number, record.html, signatures)) === record.sha256;
    let matches = true;
    let checked: 'record' | 'hash' | 'document' = 'record';
    if (given.html !== undefined) {
      checked = 'document';
      matches = !reduced && sha256Hex(canonicalAgreement(record.number, given.html, signatures)) === record.sha256;
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
      ...(reduced ? { reduced: true } : {}),
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
  // Per client address, in its own counter (@fastify/rate-limit's route option; api/plugins/rate-limit.ts).
  const rateLimit = {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `verify:${normalizeIP(request.ip)}`,
  };

  app.get(
    '/agreements/:number/verify',
    {
      config: { public: true, rateLimit },
      schema: {
        tags: ['documents'],
        summary:
          'Verify a sealed agreement by its number and verification code, optionally against the hash printed on a copy',
        security: [],
        params: Params,
        querystring: Type.Object({
          code: CodeQuery,
          sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
        }),
        response: { 200: VerifySchema, ...standardErrors },
      },
    },
    async (request) => verify(request.params.number, request.query.code, { sha256: request.query.sha256 }),
  );

  app.post(
    '/agreements/:number/verify',
    {
      config: { public: true, rateLimit },
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['documents'],
        summary:
          'Verify a copy of a sealed agreement: upload the HTML document as it was issued, with its verification code',
        security: [],
        params: Params,
        querystring: Type.Object({ code: CodeQuery }),
        body: Type.Object({ html: Type.String({ minLength: 1, maxLength: 200_000 }) }, { additionalProperties: false }),
        response: { 200: VerifySchema, ...standardErrors },
      },
    },
    async (request) => verify(request.params.number, request.query.code, { html: request.body.html }),
  );
};

export default agreements;
