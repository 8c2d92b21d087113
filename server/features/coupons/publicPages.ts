// The two public pages the coupon e-mail links to, server-rendered in Italian, without login and
// without scripts (the Content-Security-Policy allows none inline):
//   /rinnovo          how to renew the certificates with a coupon (the guide's steps, as in the e-mail);
//   /verifica-coupon  a form; with ?codice=… the coupon's state, what it renews and until when, as the
//                     public JSON status route answers it (rate-limited alike, no personal data).
// Anything echoed back is escaped.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatRomeDate } from '../../../domain/shared/money';
import { escapeHtml, renewalSteps, renewalWarnings, renewsInItalian } from '../emails/couponEmailMessage';
import { couponStatus, type CouponStatusAnswer } from '../services';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; } label { display: block; font-weight: bold; margin-bottom: .3rem; }
input { font: inherit; font-family: monospace; padding: .4rem; width: 20rem; max-width: 100%; }
button { font: inherit; padding: .4rem 1rem; margin-top: .5rem; }
.esito { border: 2px solid #1a5e20; padding: .8rem 1rem; margin: 1rem 0; }
.errore { border-color: #8b0000; }
a { color: #0b4a8b; }
</style></head>
<body><main>
${body}
</main></body></html>`;
}

const stateInItalian = {
  issued: 'valido, non ancora utilizzato',
  redeemed: 'già utilizzato',
  cancelled: 'annullato',
  expired: 'scaduto',
  unknown: 'sconosciuto',
} as const;

/** The answer to a checked code, and the HTTP status that goes with it (as the JSON route's). */
function outcome(answer: CouponStatusAnswer): { status: number; html: string } {
  switch (answer.answer) {
    case 'malformed':
      return {
        status: 400,
        html: '<p class="esito errore" role="alert">Questo non è un codice coupon: lo copi per intero dall\'e-mail (gruppi di quattro caratteri).</p>',
      };
    case 'mistyped':
      return {
        status: 400,
        html: '<p class="esito errore" role="alert">Il codice contiene un errore di battitura (l\'ultimo carattere, di controllo, non corrisponde): lo ricontrolli.</p>',
      };
    case 'unknown':
      return { status: 404, html: `<p class="esito errore" role="alert">Nessun coupon ha il codice ${escapeHtml(answer.code)}.</p>` };
    case 'found': {
      const c = answer.coupon;
      const rows = [
        ['Codice', escapeHtml(answer.code)],
        ['Stato', stateInItalian[c.status]],
        ...(c.renews ? [['Rinnova', renewsInItalian[c.renews]]] : []),
        ...(c.validUntil ? [['Valido fino al', formatRomeDate(c.validUntil)]] : []),
        ...(c.redeemedAt ? [['Utilizzato il', formatRomeDate(c.redeemedAt)]] : []),
      ];
      return {
        status: 200,
        html: `<div class="esito" role="status"><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd><strong>${v}</strong></dd>`).join('')}</dl></div>`,
      };
    }
  }
}

const publicPages: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.get(
    '/rinnovo',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(
        page(
          'Rinnovo dei certificati di firma digitale',
          `<h1>Rinnovo dei certificati con il codice coupon</h1>
<p><strong>Attenzione:</strong></p>
<ul>${renewalWarnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>
<h2>Come rinnovare</h2>
<ol>${renewalSteps.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>
<p>Prima di iniziare può <a href="/verifica-coupon">verificare lo stato del suo coupon</a>.</p>`,
        ),
      ),
  );

  app.get(
    '/verifica-coupon',
    {
      config: { access: 'public' },
      schema: { hide: true, querystring: z.object({ codice: z.string().max(100, 'not a coupon code: it is too long').optional() }) },
    },
    async (request, reply) => {
      const typed = request.query.codice?.trim() ?? '';
      const result = typed === '' ? null : outcome(await couponStatus(deps, { code: typed }));
      return reply
        .status(result?.status ?? 200)
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Verifica stato coupon',
            `<h1>Verifica stato coupon</h1>
<form method="get" action="/verifica-coupon">
<label for="codice">Codice coupon</label>
<input id="codice" name="codice" value="${escapeHtml(typed)}" autocomplete="off" spellcheck="false" required>
<div><button type="submit">Verifica</button></div>
</form>
${result?.html ?? ''}
<p><a href="/rinnovo">Come rinnovare i certificati con il coupon</a></p>`,
          ),
        );
    },
  );
};

export default publicPages;
