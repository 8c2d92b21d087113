import { describe, expect, it } from 'vitest';
import { composeCouponEmail } from '../../../../server/features/emails/couponEmailMessage';

const input = {
  recipientName: 'Mario Rossi',
  orderReference: 'RF18 5390 0754 7034',
  coupons: [
    { code: 'K7Q2-9XMD-4HJP-T3VW-A8NC', description: 'Coupon Rinnovo Certificato Sottoscrizione', renews: 'signing' as const, validUntil: '2027-11-23T23:00:00.000Z' },
    { code: 'M2PR-7Y4K-ZQ8D-W1TB-C6HX', description: 'Coupon Rinnovo Certificato Autenticazione', renews: 'authentication' as const, validUntil: '2027-11-23T23:00:00.000Z' },
  ],
  renewalUrl: 'https://rinnovo.example.it',
  couponStatusUrl: 'https://rinnovo.example.it/verifica-coupon',
  sellerName: 'Firma Facile S.r.l.',
};

describe('coupon e-mail', () => {
  it('lists every code with what it renews and its validity (Rome date), with the renewal steps, in Italian', () => {
    const email = composeCouponEmail(input);
    expect(email.subject).toBe('I suoi 2 codici coupon per il rinnovo della firma digitale (ordine RF18 5390 0754 7034)');
    for (const body of [email.text, email.html]) {
      expect(body).toContain('K7Q2-9XMD-4HJP-T3VW-A8NC');
      expect(body).toContain('M2PR-7Y4K-ZQ8D-W1TB-C6HX');
      expect(body).toContain('certificato di Sottoscrizione (firma)');
      expect(body).toContain('certificato di Autenticazione (CNS)');
      expect(body).toContain('24/11/2027');
      expect(body).toContain('entro 24 ore dalla scadenza');
      expect(body).toContain('3 anni dal giorno del rinnovo');
      expect(body).toContain('https://rinnovo.example.it');
    }
    expect(email.text).toMatch(/4\. Inserisca il PIN del dispositivo/);
  });

  it('a single coupon reads in the singular; names are escaped in HTML', () => {
    const email = composeCouponEmail({ ...input, recipientName: 'Studio <Bianchi & Figli>', coupons: [input.coupons[0]!] });
    expect(email.subject).toMatch(/^Il suo codice coupon/);
    expect(email.html).toContain('Studio &lt;Bianchi &amp; Figli&gt;');
    expect(email.html).not.toContain('<Bianchi');
  });
});
