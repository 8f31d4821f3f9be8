// Cost of the Invoke API's HTTP edges (issue 13), same run, A/B: the Invoke API listener behind a plain
// node:http server and behind createEdgeServer (request timeout, connection limit, header count, one
// request at a time per connection, owed answers on parse errors) with the Host/Origin check on. The
// function is a stub that answers at once, so the figure is the HTTP layer's own per-call latency.
// Run: npm run build && node --import tsx bench/emulator-http-edges.ts   (env ROUNDS, CALLS)
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerCheck } from '../src/bench/check.js';
import { targetOf } from '../src/bench/client.js';
import { warmLatency } from '../src/bench/load.js';
import { median } from '../src/bench/stats.js';
import { createHostCheck } from '../src/core/local-guard.js';
import type { Invoker } from '../src/emulator/contract.js';
import { createEdgeServer } from '../src/emulator/http-edges.js';
import { createInvokeApi } from '../src/emulator/invoke-api/handler.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CALLS = Number(process.env.CALLS ?? 5000);
const PAYLOAD = '{"data":[0,0,0,0]}';

const invoker: Invoker = {
  invoke: async (request, requestId) => ({
    requestId: requestId ?? '',
    outcome: { kind: 'success', body: request.payload },
    log: '',
  }),
  enqueue: () => {},
};

function listener(guarded: boolean): RequestListener {
  return createInvokeApi({
    functionName: 'lambda-ml',
    region: 'us-east-1',
    invoker,
    functionUrl: false,
    readiness: async () => ({ ready: true, instances: 1 }),
    ...(guarded ? { hostCheck: createHostCheck('127.0.0.1') } : {}),
  });
}

async function perCall(hardened: boolean): Promise<number> {
  const server: Server = hardened
    ? createEdgeServer(listener(true), { requestTimeoutMs: 30_000, maxConnections: 1024, log: () => {} })
    : createServer(listener(false));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const target = targetOf(`http://127.0.0.1:${port}`, PAYLOAD);
    const check = answerCheck(PAYLOAD);
    await warmLatency(target, 500, check); // JIT warm-up, not measured
    const result = await warmLatency(target, CALLS, check);
    if (result.errors > 0) throw new Error(`calls failed: ${result.firstError}`);
    return result.latency.p50Ms * 1000;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const plain: number[] = [];
const hardened: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, so drift on a shared machine hits both alike.
  for (const edge of round % 2 === 0 ? [true, false] : [false, true])
    (edge ? hardened : plain).push(await perCall(edge));
}
const f = (v: number) => v.toFixed(1).padStart(7);
console.log(
  `Invoke API per-call latency (stub function), ${ROUNDS} alternating rounds of ${CALLS} sequential keep-alive calls (µs: min / median of the round p50s)`,
);
console.log(`  plain node:http server     ${f(Math.min(...plain))} /${f(median(plain))}`);
console.log(`  edge server + Host check   ${f(Math.min(...hardened))} /${f(median(hardened))}`);
console.log(`  difference of medians      ${f(median(hardened) - median(plain))}`);
