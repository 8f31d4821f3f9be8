// Wires the emulator: sandbox pool + event queue behind the Invoke API, a Runtime API endpoint per instance.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHostCheck } from '../core/local-guard.js';
import type { Invoker } from './contract.js';
import { EmulatorError, PortInUseError, ShuttingDownError } from './errors.js';
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
import { type DeadLetter, EventQueue } from './sandbox/queue.js';
import { killGroup, type SandboxDeps } from './sandbox/types.js';

export interface Emulator {
  readonly url: string;
  readonly port: number;
  /**
   * Stop accepting; in-flight calls and queued Event invocations run for the grace period; every
   * instance is stopped; Event invocations that did not run are written to the dead-letter file.
   */
  close(): Promise<ShutdownSummary>;
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

/** What a shutdown left undone. */
export interface ShutdownSummary {
  /** Accepted Event invocations that did not run to completion (not started, or cut short). */
  readonly deadLettered: number;
  /** The file they were written to (JSON lines), when there were any. */
  readonly deadLetterFile?: string;
  /** Why the file could not be written (the events then went to the log instead). */
  readonly deadLetterError?: string;
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
  const queue = new EventQueue(pool, { events: o.queueCapacity, bytes: o.queueBytes });
  let stopping = false;
  const invoker: Invoker = {
    // Once shutting down, no new synchronous call starts (queued events still run in the grace period).
    invoke: (request, requestId) =>
      stopping ? Promise.reject(new ShuttingDownError()) : pool.invoke(request, requestId),
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
  let closing: Promise<ShutdownSummary> | null = null;
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
      stopping = true;
      closing ??= shutdown(server, pool, queue, o.gracePeriod * 1000).then((letters) =>
        deadLetter(letters, o.deadLetterFile ?? defaultDeadLetterFile(o.functionName), writeLog),
      );
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

async function shutdown(
  server: Server,
  pool: Pool,
  queue: EventQueue,
  graceMs: number,
): Promise<DeadLetter[]> {
  const deadline = performance.now() + graceMs;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Accepted Event invocations keep running while the grace period lasts, then whatever is left waits
  // for the dead-letter file; calls in flight get what remains of the grace period.
  await queue.drain(graceMs);
  const { notStarted, interrupted } = queue.stop();
  await pool.close(Math.max(0, deadline - performance.now()));
  const letters = [...notStarted, ...(await interrupted)];
  // One turn for the Invoke API to write the last answers, then idle keep-alive sockets go; anything
  // still open after a second is cut.
  await new Promise((resolve) => setImmediate(resolve));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 1000);
  await closed;
  clearTimeout(force);
  return letters;
}

/** A new file per shutdown in the temporary directory: `lambda-ml-<function>-dead-letter-<time>-<pid>.jsonl`. */
function defaultDeadLetterFile(functionName: string): string {
  const stamp = new Date()
    .toISOString()
    .replaceAll(':', '')
    .replace(/\.\d+Z$/, 'Z');
  return join(tmpdir(), `lambda-ml-${functionName}-dead-letter-${stamp}-${process.pid}.jsonl`);
}

/**
 * One JSON object per line: requestId, reason, acceptedAt, the payload exactly as received (`payload`
 * as text when it is valid UTF-8, else `payloadBase64`) and the client context when there was one.
 */
export function deadLetterLine(letter: DeadLetter): string {
  const { payload, clientContext } = letter.request;
  const text = payload.toString('utf8');
  const exact = Buffer.byteLength(text) === payload.length && Buffer.from(text).equals(payload);
  return `${JSON.stringify({
    requestId: letter.requestId,
    reason: letter.reason,
    acceptedAt: new Date(letter.acceptedAt).toISOString(),
    ...(exact ? { payload: text } : { payloadBase64: payload.toString('base64') }),
    ...(clientContext === undefined ? {} : { clientContext }),
  })}\n`;
}

/** Writes the events that did not run (appending, owner-only), says where in the log, and sums up. */
function deadLetter(letters: DeadLetter[], file: string, writeLog: (text: string) => void): ShutdownSummary {
  if (letters.length === 0) return { deadLettered: 0 };
  const lines = letters.map(deadLetterLine).join('');
  const notStarted = letters.filter((l) => l.reason === 'not-started').length;
  const what = `${letters.length} accepted Event invocation(s) did not run before shutdown (${notStarted} not started, ${letters.length - notStarted} cut short)`;
  try {
    writeFileSync(file, lines, { flag: 'a', mode: 0o600 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Never lost silently: the events go to the log itself.
    writeLog(
      `lambda-ml: ${what}; cannot write the dead-letter file ${file} (${reason}); here they are:\n${lines}`,
    );
    return { deadLettered: letters.length, deadLetterError: reason };
  }
  writeLog(`lambda-ml: ${what}; written to the dead-letter file ${file} (one JSON object per line)\n`);
  return { deadLettered: letters.length, deadLetterFile: file };
}
