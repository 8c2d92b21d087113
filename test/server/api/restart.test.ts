// A server restarted on its data directory: the reactors and the outbox resume from the checkpoints
// they keep in server.db instead of replaying the log, and nothing is done twice.
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../support/tmp';
import { addGuideProducts, allEvents, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

const dir = tempDir('bo-restart-');
let world: ApiWorld | undefined;
afterEach(async () => {
  await world?.close();
  dir.remove();
});

const count = async (w: ApiWorld, type: string) => (await allEvents(w.store)).filter((e) => e.type === type).length;

it('restarted, the reactors start from their checkpoints, and the paid orders are fulfilled and e-mailed once', async () => {
  world = await startApi({ dataDir: dir.path });
  await addGuideProducts(world);
  const customerId = await registerPerson(world);
  await topUp(world, customerId, 20_000);
  for (let i = 0; i < 3; i++) expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201);
  await world.smtp.waitForMessages(3);
  await world.idle();
  expect(world.app.salesReactors!.resumedFrom).toBe(0);
  await world.app.salesReactors!.live;
  const headAtStop = await world.store.headPosition();
  await world.close();
  world = undefined;

  world = await startApi({ dataDir: dir.path });
  await world.app.salesReactors!.live;
  // The last event of the log, taken in before the stop: nothing was left for them to read. (The
  // staff's logins of this start come after: their sessions are events too.)
  expect(world.app.salesReactors!.resumedFrom).toBe(headAtStop);

  expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201);
  await world.smtp.waitForMessages(1);
  await world.idle();
  expect(await count(world, 'OrderFulfilled')).toBe(4);
  expect(await count(world, 'EmailSent')).toBe(4);
  expect(await count(world, 'InvoiceIssued')).toBe(4);
});
