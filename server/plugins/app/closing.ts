// A stop (app.close, on SIGTERM) first waits for the HTTP connections to end, then stops the
// reactors, the projections and the store. Node closes the connections that are idle when the
// server closes, but one whose request is still being answered stays open after its answer, kept
// alive for the client's next request, until the client lets it go or keepAliveTimeout (Fastify's
// 72 s) has passed: a stop under load overran its grace period and exited 1 (the fault suite's
// sigterm scenario: 5 stops of 11 on the embedded store, every one on EventStoreDB). So once the
// server is closing, each answer tells the client to close its connection, and the connections
// that have gone idle since are closed.
import fp from 'fastify-plugin';

const SWEEP_MS = 50;

export default fp(
  async (app) => {
    let closing = false;
    let sweep: NodeJS.Timeout | undefined;
    app.addHook('preClose', async () => {
      closing = true;
      sweep = setInterval(() => app.server.closeIdleConnections(), SWEEP_MS);
      sweep.unref();
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close');
      done(null, payload);
    });
    app.addHook('onClose', async () => clearInterval(sweep));
  },
  { name: 'closing' },
);
