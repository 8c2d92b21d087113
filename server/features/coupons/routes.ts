// "Verifica Stato Coupon": anyone holding a code may check it, without logging in (rate-limited per
// client address by the route table). The answer holds no personal data: no customer, order or
// device. The code in the URL is masked in the logs (server/logger.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../../domain/shared/errors';
import { couponStatus } from '../services';
import { couponCodeInput } from '../identifiers';

const codeParams = z.object({ code: couponCodeInput() });

const statusOut = z.object({
  code: z.string().describe('the code, in its canonical form (groups of four)'),
  state: z.enum(['issued', 'redeemed', 'cancelled', 'expired', 'unknown']).describe('issued: can be used'),
  renews: z.enum(['signing', 'authentication', 'both']).nullable(),
  validUntil: z.string().nullable(),
  redeemedAt: z.string().nullable(),
});

const coupons: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.get(
    '/api/public/coupons/:code/status',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'Check a coupon code: state, what it renews, until when (no login; rate-limited)',
        description:
          'Not a coupon code → 400 coupon_code_malformed; right shape but the check character does not match (a typing ' +
          'mistake) → 400 coupon_code_mistyped; a well-formed code no coupon has → 404 coupon_not_found.',
        security: [],
        params: codeParams,
        response: { 200: statusOut },
      },
    },
    async (request) => {
      const answer = await couponStatus(deps, { code: request.params.code });
      switch (answer.answer) {
        case 'malformed':
          throw new DomainError('coupon_code_malformed', answer.message, 'invalid', 'code');
        case 'mistyped':
          throw new DomainError('coupon_code_mistyped', answer.message, 'invalid', 'code');
        case 'unknown':
          throw new DomainError('coupon_not_found', answer.message, 'not_found', 'code');
        case 'found':
          return {
            code: answer.code,
            state: answer.coupon.status,
            renews: answer.coupon.renews,
            validUntil: answer.coupon.validUntil,
            redeemedAt: answer.coupon.redeemedAt,
          };
      }
    },
  );
};

export default coupons;
