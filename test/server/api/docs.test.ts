// The API documentation at /docs lists the sales routes, with their summaries, tags and schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiWorld } from './support';

let world: ApiWorld;
beforeAll(async () => {
  world = await startApi({ reactors: false });
});
afterAll(async () => {
  await world?.close();
});

describe('/docs', () => {
  it('lists every sales route with a summary and a tag (admins only)', async () => {
    expect((await world.operator.get('/docs/json')).status).toBe(403);
    const answer = await world.admin.get('/docs/json');
    expect(answer.status).toBe(200);
    const doc = answer.json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[]; requestBody?: unknown; responses?: Record<string, unknown> }>> };
    const expected: Array<[string, string]> = [
      ['post', '/api/customers'],
      ['post', '/api/customers/{id}/email'],
      ['post', '/api/customers/{id}/prepaid/top-ups'],
      ['post', '/api/customers/{id}/prepaid/adjustments'],
      ['post', '/api/customers/{id}/prepaid/adjustments/{adjustmentId}/approve'],
      ['post', '/api/customers/{id}/prepaid/adjustments/{adjustmentId}/reject'],
      ['get', '/api/customers/{id}/prepaid/top-up-quote'],
      ['post', '/api/products'],
      ['post', '/api/products/{code}/price'],
      ['post', '/api/products/{code}/withdraw'],
      ['post', '/api/devices'],
      ['post', '/api/devices/import'],
      ['get', '/api/holders/{codiceFiscale}/renewable-devices'],
      ['post', '/api/orders/quote'],
      ['post', '/api/orders'],
      ['post', '/api/orders/{id}/cancel'],
      ['post', '/api/orders/{id}/refund'],
      ['post', '/api/orders/{id}/desk-payment'],
      ['post', '/api/orders/{id}/resend-coupons'],
      ['post', '/api/payments'],
      ['post', '/api/payments/{id}/match'],
      ['post', '/api/emails/{id}/retry'],
      ['get', '/api/invoices/{id}/pdf'],
      ['get', '/api/credit-notes/{id}/pdf'],
      ['get', '/api/public/coupons/{code}/status'],
    ];
    for (const [method, path] of expected) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(operation!.summary, `${method} ${path}`).toEqual(expect.any(String));
      expect(operation!.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
    }
    const place = doc.paths['/api/orders']!.post!;
    expect(JSON.stringify(place.requestBody)).toContain('guided');
    expect(Object.keys(place.responses ?? {})).toContain('201');
  });
});
