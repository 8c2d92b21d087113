// The console's access rules (admin-ui/src/access.ts) say what the server's route table says: each
// action of each resource is allowed to exactly the roles of the route(s) it calls, so the console
// neither hides a button a user may press nor shows one the server refuses.
import { describe, expect, it } from 'vitest';
import { access, isAllowed } from '../../admin-ui/src/access';
import { roles } from '../../domain/staff/roles';
import { routeTable } from '../../server/security/routeTable';

const read = (name: string) => [`GET /api/${name}`, `GET /api/${name}/:id`];

/** resource → action → the routes the action calls. */
const routesOf: Record<string, Record<string, string[]>> = {
  customers: {
    list: read('customers'),
    create: ['POST /api/customers'],
    changeEmail: ['POST /api/customers/:id/email'],
    sdiAddress: ['POST /api/customers/:id/sdi-address'],
    topUp: ['POST /api/customers/:id/prepaid/top-ups', 'GET /api/customers/:id/prepaid/top-up-quote'],
    requestAdjustment: ['POST /api/customers/:id/prepaid/adjustments'],
  },
  devices: {
    list: read('devices'),
    create: ['POST /api/devices'],
    import: ['POST /api/devices/import'],
    reportLost: ['POST /api/devices/:id/report-lost'],
    suspend: ['POST /api/devices/:id/suspend'],
    reactivate: ['POST /api/devices/:id/reactivate'],
    terminate: ['POST /api/devices/:id/terminate'],
    revoke: ['POST /api/devices/:id/certificates/:kind/revoke'],
  },
  'device-events': { list: read('device-events') },
  'replacement-requests': {
    list: read('replacement-requests'),
    create: ['POST /api/replacement-requests'],
    approve: ['POST /api/replacement-requests/:id/approve'],
    reject: ['POST /api/replacement-requests/:id/reject'],
    recordDevice: ['POST /api/replacement-requests/:id/new-device'],
  },
  orders: {
    list: read('orders'),
    create: ['POST /api/orders/quote', 'POST /api/orders'],
    cancel: ['POST /api/orders/:id/cancel'],
    deskPayment: ['POST /api/orders/:id/desk-payment'],
    resend: ['POST /api/orders/:id/resend-coupons'],
    refund: ['POST /api/orders/:id/refund'],
    export: ['GET /api/orders/export.csv'],
  },
  payments: { list: read('payments'), create: ['POST /api/payments'], match: ['POST /api/payments/:id/match'], export: ['GET /api/payments/export.csv'] },
  'prepaid-adjustments': {
    list: read('prepaid-adjustments'),
    approve: ['POST /api/customers/:id/prepaid/adjustments/:adjustmentId/approve'],
    reject: ['POST /api/customers/:id/prepaid/adjustments/:adjustmentId/reject'],
  },
  invoices: { list: [...read('invoices'), 'GET /api/invoices/:id/pdf', 'GET /api/invoices/:id/xml', 'GET /api/invoices/xml.zip'], export: ['GET /api/invoices/export.csv'], sdiReceipts: ['POST /api/sdi-receipts'] },
  'credit-notes': { list: [...read('credit-notes'), 'GET /api/credit-notes/:id/pdf', 'GET /api/credit-notes/:id/xml'], export: ['GET /api/credit-notes/export.csv'] },
  coupons: { list: read('coupons'), resend: ['POST /api/orders/:id/resend-coupons'] },
  emails: { list: read('emails'), retry: ['POST /api/emails/:id/retry'] },
  reminders: { list: read('reminders') },
  'certificate-deadlines': { list: read('certificate-deadlines') },
  'ca-reports': { list: read('ca-reports'), upload: ['POST /api/ca-reports/upload'] },
  'bank-statements': { list: read('bank-statements'), upload: ['POST /api/bank-statements'] },
  renewals: { list: read('renewals'), resume: ['POST /api/renewals/:id/resume'], abandon: ['POST /api/renewals/:id/abandon'] },
  products: {
    list: read('products'),
    create: ['POST /api/products'],
    changePrice: ['POST /api/products/:code/price'],
    withdraw: ['POST /api/products/:code/withdraw'],
  },
  'issuer-policies': { list: read('issuer-policies'), create: ['PUT /api/issuer-policies/:id'], edit: ['PUT /api/issuer-policies/:id'] },
  'audit-events': { list: read('audit-events'), export: ['GET /api/audit-events/export.csv'] },
  'staff-users': {
    list: read('staff-users'),
    create: ['POST /api/staff-users'],
    edit: ['roles', 'reset-password', 'disable', 'enable'].map((command) => `POST /api/staff-users/:id/${command}`),
  },
  'staff-change-requests': {
    list: read('staff-change-requests'),
    edit: ['POST /api/staff-change-requests/:id/approve', 'POST /api/staff-change-requests/:id/reject'],
  },
  'prepaid-movements': { list: read('prepaid-movements'), export: ['GET /api/prepaid-movements/export.csv'] },
  'vat-register': { list: ['GET /api/vat-register', 'GET /api/vat-register.csv', 'GET /api/vat-register.pdf'] },
  'log-verification': { list: ['GET /api/log-verification'], verify: ['POST /api/log-verification'] },
  history: { show: ['GET /api/history/:kind/:id', 'GET /api/history/:kind/:id/diff'] },
};

describe('console access rules', () => {
  it('cover the resources of the console', () => {
    expect(Object.keys(access).sort()).toEqual(Object.keys(routesOf).sort());
  });

  for (const [resource, actions] of Object.entries(routesOf)) {
    for (const [action, routes] of Object.entries(actions)) {
      it(`${resource}.${action}: the roles of ${routes.join(', ')}`, () => {
        for (const route of routes) {
          const rule = routeTable[route];
          expect(rule, route).toBeDefined();
          expect(Array.isArray(rule?.access), `${route} is open to a list of roles`).toBe(true);
          const server = roles.filter((role) => (rule?.access as readonly string[]).includes(role));
          expect(roles.filter((role) => isAllowed([role], resource, action)), route).toEqual(server);
        }
      });
    }
  }

  it('name no action the route table cannot answer for', () => {
    const unchecked = Object.entries(access).flatMap(([resource, rules]) =>
      Object.keys(rules)
        .filter((action) => action !== '*' && !routesOf[resource]?.[action])
        .map((action) => `${resource}.${action}`),
    );
    expect(unchecked).toEqual([]);
  });
});
