// Makes the event store available to routes as `app.eventStore`, and closes it last on shutdown,
// after Fastify has stopped accepting requests and the in-flight ones (and their appends) are done.
import fp from 'fastify-plugin';
import type { EventStore } from '../../../events/port';

declare module 'fastify' {
  interface FastifyInstance {
    eventStore: EventStore;
  }
}

export default fp<{ store: EventStore }>(
  async (app, { store }) => {
    app.decorate('eventStore', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'event-store' },
);
