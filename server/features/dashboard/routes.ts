// GET /api/dashboard: the figures of the console's home page (server/features/dashboard/read.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CLOSING_WITHIN_DAYS, dashboardFigures, EXPIRING_WITHIN_DAYS, REVENUE_MONTHS } from './read';

const countAndCents = z.object({ count: z.number().int().nonnegative(), cents: z.number().int() });

const dashboardSchema = z.object({
  today: z.string().describe('the day the figures are of, in Europe/Rome (YYYY-MM-DD)'),
  monthStart: z.string().describe('the first day of its month'),
  unpaidOrders: countAndCents.describe('orders awaiting payment, and the amount they still owe'),
  paidToday: countAndCents.describe('orders paid today (Rome day), and their totals'),
  paidThisMonth: countAndCents.describe('orders paid since the first of the month (Rome days), and their totals'),
  devicesExpiring: z.number().int().nonnegative().describe(`devices with a certificate expiring within ${EXPIRING_WITHIN_DAYS} days, still renewable`),
  unmatchedPayments: countAndCents.describe('payments no order was found for, and their amount'),
  failedEmails: z.number().int().nonnegative().describe('coupon e-mails given up after their retries'),
  certificatesOpeningThisMonth: z.number().int().nonnegative().describe("active certificates whose renewal window (the issuer's policy) opens this month (Rome)"),
  payAfterUnpaid: countAndCents.describe('pay-after renewals completed and not paid yet, and what their fee orders still owe'),
  replacementRequestsWaiting: z
    .object({ count: z.number().int().nonnegative(), oldestRequestedAt: z.string().nullable() })
    .describe('replacement requests waiting for a supervisor, and when the oldest was opened (UTC)'),
  certificatesClosingSoon: z.number().int().nonnegative().describe(`active certificates, not renewed, whose deadline comes within ${CLOSING_WITHIN_DAYS} days`),
  revenueByMonth: z
    .array(z.object({ month: z.string(), invoicedCents: z.number().int(), creditedCents: z.number().int(), netCents: z.number().int() }))
    .describe(`the last ${REVENUE_MONTHS} months, oldest first: invoices, credit notes and the difference, by issue day`),
});

const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/dashboard',
    {
      schema: {
        tags: ['read'],
        summary: "The home page's figures: unpaid orders, sales of today and of the month, expiring devices, unmatched payments, failed e-mails, certificates opening and closing, revenue by month",
        response: { 200: dashboardSchema },
      },
    },
    async (request) => dashboardFigures(app.projections.db, request.server.security.now()),
  );
};

export default dashboardRoutes;
