// Wires the emulator: sandbox pool + event queue behind the Invoke API, a Runtime API endpoint per instance.
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createHostCheck } from '../core/local-guard.js';
import type { Invoker } from './contract.js';
import { EmulatorError, PortInUseError } from './errors.js';
import { EmulatorEvents, type InstanceInfo } from './events.js';
import { createEdgeServer } from './http-edges.js';
import { instanceSpec } from './instance-spec.js';
import { createInvokeApi } from './invoke-api/handler.js';
import { functionArn } from './invoke-api/routes.js';
import { type EmulatorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { runtimePeerCheck } from './peer-check.js';
import { type PrestartedRuntime, spawnRuntime } from './prestart.js';
import { createRuntimeEndpoint } from './runtime-api/server.js';
import { readTreeRss } from './sandbox/memory.js';
import { Pool, type Readiness } from './sandbox/pool.js';
import { EventQueue } from './sandbox/queue.js';
import { killGroup, type SandboxDeps } from './sandbox/types.js';

export interface Emulator {
  readonly url: string;
  readonly port: number;
  /** Stop accepting, let in-flight calls finish (grace period), stop every instance. */
  close(): Promise<void>;
  /** Process ids of the live runtime processes. */
  pids(): number[];
  /** Whether an instance can initialise (starts one, kept for the first call, when none has yet). */
  readiness(): Promise<Readiness>;
  /** Instance and invocation events (publishing costs nothing until someone subscribes). */
  readonly events: EmulatorEvents;
  /** Every execution environment and its state. */
  instances(): InstanceInfo[];
  /** Stops one execution environment, so the next call starts a new one; false for an unknown id. */
  stopInstance(id: number): boolean;
  /** The settings observers may show (never the instances' environment variables). */
  readonly settings: EmulatorSettings;
}

export interface EmulatorSettings {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly concurrency: number;
  readonly functionUrl: boolean;
}

export type { EmulatorOptions } from './options.js';
export type { Readiness } from './sandbox/pool.js';

/**
 * `prestarted`: a runtime process the CLI started early for the first instance (see prestart.ts); it is
 * adopted when it matches these options, killed otherwise.
 */
export async function startEmulator(
  options: EmulatorOptions = {},
  prestarted?: PrestartedRuntime,
): Promise<Emulator> {
  let o: ResolvedOptions;
  try {
    o = resolveOptions(options);
  } catch (error) {
    prestarted?.discard();
    throw error;
  }
  const writeLog = o.writeLog ?? batchedStdout();
  const events = new EmulatorEvents();
  const pool = new Pool({ ...sandboxDeps(o, writeLog, prestarted), events }, o.concurrency);
  const queue = new EventQueue(pool, o.queueCapacity, writeLog);
  const invoker: Invoker = {
    invoke: (request, requestId) => pool.invoke(request, requestId),
    enqueue: (request, requestId) => queue.enqueue(request, requestId),
  };
  const server = createEdgeServer(
    createInvokeApi({
      functionName: o.functionName,
      region: o.region,
      invoker,
      functionUrl: o.functionUrl,
      readiness: () => pool.readiness(),
      log: writeLog,
      hostCheck: createHostCheck(o.host, o.allowedHosts),
    }),
    {
      requestTimeoutMs: Math.round(o.requestTimeout * 1000),
      maxConnections: o.maxConnections,
      log: writeLog,
    },
  );
  server.keepAliveTimeout = 65_000;
  try {
    if (o.warm > 0) await pool.warm(o.warm);
    await listen(server, o.host, o.port);
  } catch (error) {
    prestarted?.discard();
    await pool.close(0);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    port,
    pids: () => pool.pids,
    readiness: () => pool.readiness(),
    events,
    instances: () => pool.instances(),
    stopInstance: (id) => pool.stop(id),
    settings: {
      functionName: o.functionName,
      memoryMb: o.memory,
      timeoutSeconds: o.timeout,
      concurrency: o.concurrency,
      functionUrl: o.functionUrl,
    },
    close: () => {
      prestarted?.discard();
      closing ??= shutdown(server, pool, queue, o.gracePeriod * 1000);
      return closing;
    },
  };
}

/**
 * Log text is gathered for one event-loop turn and written at once: START, the function's output and
 * END/REPORT of a fast invocation then cost one write instead of three.
 */
function batchedStdout(): (text: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join('');
    pending = [];
    process.stdout.write(text);
  };
  return (text) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(text);
  };
}

function sandboxDeps(
  o: ResolvedOptions,
  writeLog: (text: string) => void,
  prestarted: PrestartedRuntime | undefined,
): SandboxDeps {
  const spec = instanceSpec(o);
  const admitFor = runtimePeerCheck(o.verifyRuntimePeer, writeLog);
  // A runtime started before the emulator (prestart.ts) is offered to the first instance only, and taken
  // only when it is exactly the process that instance would spawn.
  let offered = prestarted;
  let adopting: PrestartedRuntime | undefined;
  const started = new WeakMap<ChildProcess, number>();
  return {
    config: {
      command: spec.command,
      env: spec.env,
      timeoutMs: o.timeout * 1000,
      initTimeoutMs: o.initTimeout * 1000,
      memoryMb: o.memory,
      functionArn: functionArn(o.region, o.functionName),
    },
    createEndpoint: (handler, owner) => {
      const offer = offered;
      offered = undefined;
      if (offer === undefined || !offer.usableFor(spec)) {
        offer?.discard();
        return createRuntimeEndpoint(handler, { admit: admitFor?.(owner) });
      }
      adopting = offer;
      // Connections made before the spawn below returns come from the adopted process.
      const admit = admitFor?.(() => owner() ?? offer.child.pid);
      return createRuntimeEndpoint(handler, { admit, listening: offer });
    },
    spawn: (argv, env) => {
      const offer = adopting;
      adopting = undefined;
      // Still running: this is its process (one that died meanwhile is replaced, on the same port).
      if (offer !== undefined && env.AWS_LAMBDA_RUNTIME_API === offer.address && offer.alive) {
        started.set(offer.child, offer.startedAt);
        return offer.child;
      }
      return spawnRuntime(argv, env, o.taskRoot);
    },
    startedAt: (child) => started.get(child),
    clock: { now: () => performance.now() },
    readRss: readTreeRss,
    kill: killGroup,
    writeLog,
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(host, port, { cause: error }));
      else reject(new EmulatorError(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
}

async function shutdown(server: Server, pool: Pool, queue: EventQueue, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  queue.close();
  await pool.close(graceMs);
  // One turn for the Invoke API to write the last answers, then idle keep-alive sockets go; anything
  // still open after a second is cut.
  await new Promise((resolve) => setImmediate(resolve));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 1000);
  await closed;
  clearTimeout(force);
}
