// A command answers once its read models have its events, or after 2 s without them (a busy server).
// Then the answer says `X-Read-Models-Behind: <position>`, and GET /api/projections/caught-up tells
// the console when the read models got there, so that its screen shows the command's result.
import { afterEach, expect, it } from 'vitest';
import type { ProjectionThread } from '../../../projections/thread';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../../../server/read/readYourWrites';
import { registerCustomer } from '../../../server/features/services';
import { systemContext } from '../../../server/security/bootstrap';
import { partiteIva } from '../../../bench/orders';
import { expectStatus, PIVAS, romeAddress, startApi, type ApiWorld } from './support';

let world: ApiWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const firm = (i: number) => ({ kind: 'firm' as const, name: `Studio ${i}`, partitaIva: PIVAS[i], email: `studio${i}@example.it`, billingAddress: romeAddress });

it('a command whose read models have its events answers without the header; caught-up answers at once for a position they reached', async () => {
  world = await startApi({ reactors: false });
  const answer = expectStatus(await world.operator.post('/api/customers', firm(0)), 201);
  expect(answer.headers.get('x-read-models-behind')).toBeNull();
  const position = answer.json().position as number;
  const caughtUp = expectStatus(await world.operator.get(`/api/projections/caught-up?position=${position}`), 200);
  expect(caughtUp.json()).toEqual({ position, caughtUp: true });
});

it('caught-up waits for read models that are behind and answers once they reached the position', async () => {
  world = await startApi({ reactors: false });
  // Customers registered through the service, which does not wait for the read models as a route does.
  const ids = await Promise.all(
    partiteIva(300).map((partitaIva, i) => registerCustomer(world!.app.sales, { ...firm(0), name: `Studio Prova ${i}`, partitaIva }, systemContext())),
  );
  const head = await world.store.headPosition();
  expect(Math.min(...world.app.projections.snapshot().map((s) => s.position))).toBeLessThan(head);
  const caughtUp = expectStatus(await world.operator.get(`/api/projections/caught-up?position=${head}`), 200);
  expect(caughtUp.json()).toEqual({ position: head, caughtUp: true });
  // What the console reads next has the last customer.
  const last = expectStatus(await world.operator.get(`/api/customers/${ids[ids.length - 1]!.customerId}`), 200);
  expect(last.json().name).toBe('Studio Prova 299');
});

it('read models that do not get there: the command answers with X-Read-Models-Behind, and caught-up says false', async () => {
  world = await startApi({ reactors: false });
  // The read models stop (as a thread that fell far behind would, for the command's 2 s).
  await (world.app.projections as ProjectionThread).stop();
  const started = Date.now();
  const answer = expectStatus(await world.operator.post('/api/customers', firm(1)), 201);
  expect(Date.now() - started).toBeLessThan(READ_YOUR_WRITES_TIMEOUT_MS + 1000);
  const position = answer.json().position as number;
  expect(position).toBeGreaterThan(0);
  expect(answer.headers.get('x-read-models-behind')).toBe(String(position));
  // The read models the command waited for: the console waits for those only.
  expect(answer.headers.get('x-read-models-behind-projections')).toBe('customers');
  const caughtUp = expectStatus(await world.operator.get(`/api/projections/caught-up?position=${position}`), 200);
  expect(caughtUp.json()).toEqual({ position, caughtUp: false });
  // The customer is stored all the same.
  expect((await world.store.readStream(`customer-${answer.json().id}`)).map((e) => e.type)).toContain('CustomerRegistered');
});

it('caught-up refuses what is not a position, naming the field; anonymous callers get 401', async () => {
  world = await startApi({ reactors: false });
  for (const bad of ['abc', '0', '-3', '1.5']) {
    const answer = expectStatus(await world.operator.get(`/api/projections/caught-up?position=${bad}`), 400);
    expect(answer.text).toContain('position');
  }
  const missing = expectStatus(await world.operator.get('/api/projections/caught-up'), 400);
  expect(missing.json().errors).toEqual({ position: expect.stringContaining('must be the position of the log') });
  for (const bad of ['customer', 'customers,', 'customers,nothing']) {
    const answer = expectStatus(await world.operator.get(`/api/projections/caught-up?position=1&projections=${bad}`), 400);
    expect(answer.json().errors).toEqual({ projections: expect.stringContaining('must name read models this server runs') });
  }
  expectStatus(await world.anonymous.get('/api/projections/caught-up?position=1'), 401);
});
