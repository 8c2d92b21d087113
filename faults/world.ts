// What a scenario sets up once on a fresh data directory, over the API: a staff user with the
// desk's, the accountant's and the supervisor's roles (created by the first admin), the guide's
// products, and two customers with money on their prepaid accounts.
import { guideProducts } from '../domain/catalogue/decider';
import { ApiClient, expectStatus } from './api';
import { ADMIN } from './backoffice';

export const STAFF = { username: 'faultstaff', password: 'fault-suite-staff-password' };
const CUSTOMERS = [
  { name: 'Mario', surname: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U', email: 'mario.rossi@example.it' },
  { name: 'Laura', surname: 'Bianchi', codiceFiscale: 'BNCLRA85T45F205L', email: 'laura.bianchi@example.it' },
];
const ADDRESS = { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' };
export const TOP_UP_CENTS = 5_000_000;

export interface World {
  customerIds: string[];
}

/** A logged-in client for the staff user. */
export async function staffClient(baseUrl: string): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  await client.login(STAFF.username, STAFF.password);
  return client;
}

export async function setUpWorld(baseUrl: string): Promise<World> {
  const admin = new ApiClient(baseUrl);
  await admin.login(ADMIN.username, ADMIN.password);
  expectStatus(
    await admin.post('/api/staff-users', { username: STAFF.username, displayName: 'Fault suite', roles: ['operator', 'accountant', 'supervisor'], password: STAFF.password }),
    201,
  );
  const staff = await staffClient(baseUrl);
  for (const product of guideProducts) {
    const body = Object.fromEntries(Object.entries(product).filter(([, v]) => v !== undefined));
    expectStatus(await staff.post('/api/products', body), 201);
  }
  const customerIds: string[] = [];
  for (const c of CUSTOMERS) {
    const created = expectStatus(await staff.post('/api/customers', { kind: 'person', ...c, billingAddress: ADDRESS }), 201);
    const id = created.body.id as string;
    const quote = expectStatus(await staff.get(`/api/customers/${id}/prepaid/top-up-quote?creditedCents=${TOP_UP_CENTS}`), 200).body;
    expectStatus(
      await staff.post(`/api/customers/${id}/prepaid/top-ups`, {
        amountReceivedCents: quote.toPayCents,
        method: 'cash',
        reference: 'ricevuta 1',
        receivedOn: new Date().toISOString().slice(0, 10),
      }),
      201,
    );
    customerIds.push(id);
  }
  return { customerIds };
}
