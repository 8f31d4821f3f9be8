// Wires the emulator: sandbox pool + event queue behind the Invoke API, a Runtime API endpoint per instance.
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Invoker } from './contract.js';
import { EmulatorError, PortInUseError } from './errors.js';
import { EmulatorEvents, type InstanceInfo } from './events.js';
import { createEdgeServer } from './http-edges.js';
import { createInvokeApi } from './invoke-api/handler.js';
import { functionArn } from './invoke-api/routes.js';
import { type EmulatorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { runtimePeerCheck } from './peer-check.js';
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

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const o = resolveOptions(options);
  const writeLog = o.writeLog ?? batchedStdout();
  const events = new EmulatorEvents();
  const pool = new Pool({ ...sandboxDeps(o, writeLog), events }, o.concurrency);
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

function sandboxDeps(o: ResolvedOptions, writeLog: (text: string) => void): SandboxDeps {
  const command = o.bootstrap ?? o.runtimeCommand;
  const admitFor = runtimePeerCheck(o.verifyRuntimePeer, writeLog);
  return {
    config: {
      command,
      env: instanceEnv(o),
      timeoutMs: o.timeout * 1000,
      initTimeoutMs: o.initTimeout * 1000,
      memoryMb: o.memory,
      functionArn: functionArn(o.region, o.functionName),
    },
    createEndpoint: (handler, owner) => createRuntimeEndpoint(handler, { admit: admitFor?.(owner) }),
    spawn: (argv, env) =>
      // Own process group (detached) so a kill reaches the runtime's children and Ctrl+C reaches only us.
      spawn(argv[0] as string, argv.slice(1), {
        env,
        cwd: o.taskRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
    clock: { now: () => performance.now() },
    readRss: readTreeRss,
    kill: killGroup,
    writeLog,
  };
}

/** The standard Lambda environment (AWS_LAMBDA_RUNTIME_API is added per instance). */
function instanceEnv(o: ResolvedOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  Object.assign(env, {
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memory),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(o.timeout),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]lambda-ml`,
    AWS_LAMBDA_INITIALIZATION_TYPE: o.warm > 0 ? 'provisioned-concurrency' : 'on-demand',
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
    LAMBDA_TASK_ROOT: o.taskRoot,
    _HANDLER: o.handler,
    TZ: ':UTC',
  });
  if (o.modelPath !== undefined) env.MODEL_PATH = o.modelPath;
  Object.assign(env, o.env);
  return env;
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
