// The 32 clients of the orders benchmark, in a worker thread: a load generator must not share the
// server's event loop (real clients don't), so the server's figures are the server's alone. The
// main thread sends one message per phase; the worker answers with what the clients saw (the
// shapes are ClientsSetup and PhaseResult in bench/orders.ts). Plain JavaScript: a worker thread
// does not get tsx's loader. A phase may name several ports (bench/ordersOnServers.ts: several
// servers behind no load balancer): the requests then go round robin across them, one after
// another whoever sends them, as a load balancer would deal them out.
import { readlinkSync } from 'node:fs';
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { port, cookie, customerIds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: customerIds.length });

/** This worker's thread id (/proc/self/task/<id>), so that its CPU can be told from the server's. */
function ownThread() {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop(); // synchronous: on this very thread
  } catch {
    return null;
  }
}

function placeOrder(customerId, port) {
  const payload = JSON.stringify({ customerId, manual: { lines: [{ productCode: 'RIN-FIRMA', quantity: 2 }] }, payment: { mode: 'prepaid' } });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/orders',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), cookie },
      },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

parentPort.on('message', async ({ ordersPerClient, ports = [port] }) => {
  let next = 0;
  const result = { latencies: [], orderIds: [], failures: 0, firstFailure: '', firstAnswer: null, startedAt: 0, endedAt: 0, thread: ownThread() };
  // performance.now() of a worker has its own origin: report wall-clock times to the main thread.
  result.startedAt = performance.timeOrigin + performance.now();
  await Promise.all(
    customerIds.map(async (customerId) => {
      for (let i = 0; i < ordersPerClient; i++) {
        const t0 = performance.now();
        const answer = await placeOrder(customerId, ports[next++ % ports.length]);
        result.latencies.push(performance.now() - t0);
        result.firstAnswer ??= answer;
        if (answer.status === 201) result.orderIds.push((JSON.parse(answer.body)).id);
        else {
          result.failures++;
          result.firstFailure ||= `${answer.status} ${answer.body.slice(0, 200)}`;
        }
      }
    }),
  );
  result.endedAt = performance.timeOrigin + performance.now();
  parentPort.postMessage(result);
});
