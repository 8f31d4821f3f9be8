// One execution environment: a runtime process, its own Runtime API endpoint, its state machine and timers.
import type { ChildProcess } from 'node:child_process';
import type {
  DeliveryConnection,
  Invocation,
  InvocationOutcome,
  RuntimeApiHandler,
  RuntimeEndpoint,
} from '../contract.js';
import { StateTransitionError } from '../errors.js';
import { endLine, InvocationLog, type ReportFigures, reportLine, startLine } from './logs.js';
import { outcomes } from './outcomes.js';
import { SandboxState } from './state.js';
import type { SandboxDeps } from './types.js';

/** What `run` resolves with. */
export interface RunResult {
  readonly outcome: InvocationOutcome;
  readonly log: string;
  /** What the REPORT line says (observers show it). */
  readonly figures: ReportFigures;
}

/** The invocation this environment is working on. */
interface Job {
  readonly invocation: Invocation;
  readonly log: InvocationLog;
  readonly resolve: (result: RunResult) => void;
  /** True when this invocation waited for the environment's initialisation. */
  cold: boolean;
  startedAt: number;
  started: boolean;
  /** Its START line is already in the log (written by an instance it was delivered to before, see `reroute`). */
  readonly startLogged: boolean;
  /** The runtime took it from /next (until then it can still go to another instance). */
  delivered: boolean;
  /** The connection it was delivered on, watched until it is answered (see `DeliveryConnection`). */
  connection: DeliveryConnection | null;
  /** Assigned to an initialised instance (only such a call may move when undelivered: see `rerouted`). */
  readonly warm: boolean;
  /** Asks the pool to run this invocation on another instance (true when it did). */
  readonly reroute: Reroute | null;
}

/** Moves an invocation to another instance; `startLogged` when its START line was already written. */
export type Reroute = (startLogged: boolean) => boolean;

type KillReason = 'timeout' | 'oom' | 'init-error' | 'init-timeout' | 'shutdown';
const MIB = 1024 * 1024;
/**
 * How long, after the runtime exited, to wait for the verdict on the connection of the invocation it
 * held (the kernel closed it before the exit was reported; only a process outside the group holding
 * the socket could keep it open). Without a verdict the call fails as it would have.
 */
const UNREAD_VERDICT_MS = 2000;

export class ExecutionEnvironment {
  readonly state = new SandboxState();
  /** Resolves once the runtime has finished initialising (its first GET /next). */
  readonly initialised: Promise<void>;
  private markInitialised!: () => void;
  private child: ChildProcess | null = null;
  private endpoint: RuntimeEndpoint | null = null;
  private job: Job | null = null;
  /**
   * A finished job whose END/REPORT lines are not written yet: output read in the same event-loop
   * turn as the reply (the runtime wrote it first, but epoll may hand us the socket first) still
   * belongs to it.
   */
  private closing: Job | null = null;
  private waiter: ((invocation: Invocation) => void) | null = null;
  private waiterReject: ((error: Error) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private killReason: KillReason | null = null;
  private initOutcome: InvocationOutcome | null = null;
  /**
   * Started ahead of its first call by a readiness check, not as provisioned concurrency: that first call
   * still reports the Init Duration, as the lazy cold start it stands in for would.
   */
  private reportInitOnFirstCall = false;
  private spawnedAt: number;
  private gone = false;
  /** Dead, but its call awaits the connection's verdict: it keeps its concurrency slot for the move. */
  private awaitingVerdict = false;
  /** SIGKILL already went to the whole process group (the exit path need not send it again). */
  private groupKilled = false;
  private initDurationMs: number | null = null;
  private maxRss = 0;
  /** When memory was last sampled: the pool polls every 50 ms, so a busy environment needs no extra reads. */
  private sampledAt = Number.NEGATIVE_INFINITY;
  readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(
    readonly id: number,
    private readonly deps: SandboxDeps,
    private readonly onExit: (env: ExecutionEnvironment) => void,
  ) {
    this.spawnedAt = deps.clock.now();
    this.initialised = new Promise((resolve) => {
      this.markInitialised = resolve;
    });
    this.exited = new Promise((resolve) => {
      this.markExited = resolve;
    });
  }

  /** True while this environment still counts against the concurrency limit after its death. */
  get holdsSlot(): boolean {
    return this.awaitingVerdict;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the Runtime API endpoint and the runtime process. */
  async start(): Promise<void> {
    let child: ChildProcess;
    try {
      this.endpoint = await this.deps.createEndpoint(this.runtimeHandler(), () => this.child?.pid);
      const { command, env } = this.deps.config;
      child = this.deps.spawn(command, { ...env, AWS_LAMBDA_RUNTIME_API: this.endpoint.address });
      // A process started before this environment existed: Init Duration counts from its real start.
      this.spawnedAt = this.deps.startedAt?.(child) ?? this.spawnedAt;
    } catch (error) {
      this.exit(`start failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.output(chunk));
    child.once('error', (error) => {
      // The command could not be started at all: Lambda calls that an invalid entrypoint.
      const id = this.job?.invocation.requestId ?? 'none';
      this.initOutcome ??= outcomes.invalidEntrypoint(id, error.message);
      this.exit(`spawn failed: ${error.message}`);
    });
    child.once('exit', (code, signal) =>
      this.exit(signal === null ? `exit status ${code ?? 0}` : `signal: ${signal}`),
    );
    this.timer = setTimeout(() => this.initTimedOut(), this.deps.config.initTimeoutMs);
  }

  /**
   * Runs one invocation on this environment (the pool only calls it when `state.available`). When the
   * environment dies before its runtime takes the call, `reroute` may hand it to another instance
   * instead; this promise then never settles (the pool answers from the other instance).
   */
  run(invocation: Invocation, reroute?: Reroute, startLogged = false): Promise<RunResult> {
    return new Promise((resolve) => {
      // startedAt is the assignment time until the runtime takes the call (then the delivery time).
      const startedAt = this.deps.clock.now();
      const warm = this.state.phase !== 'init';
      const log = new InvocationLog();
      // Its START went to the log on the instance that lost it; its own log (the Tail) still has one.
      if (startLogged) log.append(startLine(invocation.requestId));
      this.job = {
        invocation,
        log,
        resolve,
        cold: false,
        startedAt,
        started: false,
        startLogged,
        delivered: false,
        connection: null,
        warm,
        reroute: reroute ?? null,
      };
      this.job.cold = this.state.phase === 'init' || this.reportInitOnFirstCall;
      this.reportInitOnFirstCall = false;
      const effect = this.state.assign(invocation);
      if (effect.deliver) this.deliver(effect.deliver);
      // A warm runtime that never asks for work again must not hold the call forever (init has its own timer).
      else if (this.state.phase === 'ready')
        this.timer = setTimeout(() => this.timedOut(), this.deps.config.timeoutMs);
    });
  }

  /** Marks this environment as started early for a readiness check (see `reportInitOnFirstCall`). */
  startedForReadiness(): void {
    this.reportInitOnFirstCall = true;
  }

  /** Why initialisation failed (the runtime's /init/error, an init timeout, a bad entrypoint), if it did. */
  get initFailure(): InvocationOutcome | null {
    return this.initOutcome;
  }

  /** Samples memory; kills the environment when it exceeds `--memory` (polled by the pool). */
  checkMemory(): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.state.phase === 'dead') return;
    const rss = this.sample(pid);
    if (rss <= this.deps.config.memoryMb * MIB) return;
    const id = this.job?.invocation.requestId ?? 'none';
    if (!this.rerouted('was over its memory limit')) this.complete(outcomes.outOfMemory(id));
    this.kill('oom');
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and the endpoint. */
  async stop(graceMs = 500): Promise<void> {
    this.rerouted('was stopped');
    this.kill('shutdown', 'SIGTERM');
    const hard = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(hard);
  }

  private sample(pid: number): number {
    const rss = this.deps.readRss(pid);
    this.sampledAt = this.deps.clock.now();
    if (rss > this.maxRss) this.maxRss = rss;
    return rss;
  }

  private runtimeHandler(): RuntimeApiHandler {
    return {
      next: () => this.next(),
      respond: (id, body) => this.finish(id, { kind: 'success', body }),
      fail: (id, body, type) => this.finish(id, outcomes.functionError(body, type)),
      responseTooLarge: (id) => this.finish(id, outcomes.responseTooLarge()),
      initError: (body, type) => {
        this.state.initError();
        this.initOutcome = outcomes.functionError(body, type);
        this.kill('init-error');
      },
      delivered: (id, connection) => {
        const job = this.job;
        if (job?.delivered && job.invocation.requestId === id && job.connection === null)
          job.connection = connection;
        else connection.dispose();
      },
    };
  }

  private next(): Promise<Invocation> {
    const wasInit = this.state.phase === 'init';
    const effect = this.state.next();
    if (wasInit) {
      this.initDurationMs = this.deps.clock.now() - this.spawnedAt;
      this.clearTimer();
      this.markInitialised();
    }
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.waiterReject = reject;
      if (effect.deliver) this.deliver(effect.deliver);
    });
  }

  /** Hands the invocation to the waiting /next and starts its clock. */
  private deliver(invocation: Invocation): void {
    const job = this.job;
    const waiter = this.waiter;
    if (job === null || waiter === null) return;
    this.waiter = null;
    this.waiterReject = null;
    job.delivered = true;
    this.begin(job, true);
    invocation.deadlineMs = Date.now() + this.deps.config.timeoutMs;
    this.clearTimer();
    this.timer = setTimeout(() => this.timedOut(), this.deps.config.timeoutMs);
    waiter(invocation);
  }

  /** Writes START once; `delivered` restarts the duration clock when the runtime takes the call. */
  private begin(job: Job, delivered = false): void {
    if (job.started) return;
    job.started = true;
    if (delivered) job.startedAt = this.deps.clock.now();
    if (!job.startLogged) this.write(startLine(job.invocation.requestId));
  }

  private finish(requestId: string, outcome: InvocationOutcome): void {
    this.state.finish(requestId);
    this.complete(outcome);
  }

  /** Ends the current job; the END/REPORT lines wait one turn so output written before the reply lands first. */
  private complete(outcome: InvocationOutcome): void {
    const job = this.job;
    if (job === null) return;
    this.job = null;
    job.connection?.dispose();
    this.closing = job;
    this.clearTimer();
    this.begin(job);
    const durationMs = this.deps.clock.now() - job.startedAt;
    setImmediate(() => {
      const pid = this.child?.pid;
      // Reading /proc costs several syscalls: only when the pool's poll has not done it lately.
      if (pid !== undefined && this.deps.clock.now() - this.sampledAt > 100) this.sample(pid);
      this.closing = null;
      const requestId = job.invocation.requestId;
      job.log.append(endLine(requestId));
      const figures: ReportFigures = {
        requestId,
        durationMs,
        memoryMb: this.deps.config.memoryMb,
        maxMemoryUsedMb: Math.ceil(this.maxRss / MIB),
        ...(job.cold
          ? { initDurationMs: this.initDurationMs ?? this.deps.clock.now() - this.spawnedAt }
          : {}),
      };
      const report = reportLine(figures);
      job.log.append(report);
      this.deps.writeLog(endLine(requestId) + report);
      job.resolve({ outcome, log: job.log.text(), figures });
    });
  }

  private timedOut(): void {
    const job = this.job;
    if (job === null) return;
    // A warm runtime that did not come back to /next in time never saw this call: it goes elsewhere.
    if (this.rerouted('did not ask for work within the timeout')) {
      this.kill('timeout');
      return;
    }
    const seconds = (this.deps.config.timeoutMs / 1000).toFixed(2);
    const id = job.invocation.requestId;
    this.begin(job);
    this.write(`${new Date().toISOString()} ${id} Task timed out after ${seconds} seconds\n`);
    this.complete(outcomes.timedOut(id, this.deps.config.timeoutMs));
    this.kill('timeout');
  }

  private initTimedOut(): void {
    const id = this.job?.invocation.requestId ?? 'none';
    this.initOutcome = outcomes.initTimedOut(id, this.deps.config.initTimeoutMs);
    this.kill('init-timeout');
  }

  /**
   * Hands an invocation the runtime never took to another instance (see `Job.reroute`); true when it
   * did. Undelivered, only a call assigned to an initialised instance moves (an init failure still
   * answers the call that waited); delivered, only one the runtime left `unread` (see `settleAtExit`).
   * The state dies first, so the slot this environment held counts as free for the new one.
   */
  private rerouted(why: string, unread = false): boolean {
    const job = this.job;
    if (job === null || job.reroute === null) return false;
    if (job.delivered ? !unread : !job.warm) return false;
    this.state.die();
    if (!job.reroute(job.started || job.startLogged)) return false;
    this.job = null;
    job.connection?.dispose();
    this.clearTimer();
    const id = job.invocation.requestId;
    const taken = job.delivered
      ? `read request ${id} (its connection was reset with the invocation unread)`
      : `took request ${id}`;
    this.deps.writeLog(
      `lambda-ml: instance ${this.id} ${why} before its runtime ${taken}; sent to another instance\n`,
    );
    return true;
  }

  /** The process is gone: fail whatever was in flight, kill what it left behind, then leave the pool. */
  private exit(how: string): void {
    if (this.gone) return;
    this.gone = true;
    this.clearTimer();
    this.state.die();
    // Processes the function started share the runtime's process group: they go with it, even when
    // the runtime exited by itself (otherwise they would be re-parented to init and live on).
    const pid = this.child?.pid;
    if (pid !== undefined && !this.groupKilled) this.deps.kill(pid, 'SIGKILL', true);
    // The job, not the state, says what was in flight: a kill already moved the state to dead.
    const settled = this.job === null ? Promise.resolve() : this.settleAtExit(this.job, how);
    this.waiterReject?.(new StateTransitionError('ContainerError', 'container error, runtime should exit'));
    this.waiter = null;
    this.waiterReject = null;
    const endpoint = this.endpoint;
    this.endpoint = null;
    this.child = null;
    // While its call awaits the verdict, it stays in the pool, holding its slot (see `holdsSlot`).
    if (this.awaitingVerdict) void settled.finally(() => this.onExit(this));
    else this.onExit(this);
    // The endpoint closes only after the verdict: closing it would end the watched connection itself.
    void settled.then(() => endpoint?.close()).finally(() => this.markExited());
  }

  /**
   * The invocation in flight when the runtime exited: moved to another instance when the runtime never
   * had it (not delivered, or delivered but left unread — see `DeliveryConnection`), else failed with
   * Runtime.ExitError. Whether a delivered one was read is known only once its connection has closed,
   * which the exit may be reported before or after, so this waits for that verdict.
   */
  private async settleAtExit(job: Job, how: string): Promise<void> {
    if (job.delivered) {
      this.awaitingVerdict = true;
      const unread = await verdict(job.connection).finally(() => {
        this.awaitingVerdict = false;
      });
      if (this.job !== job) return;
      if (unread && this.rerouted(`exited (${how})`, true)) return;
    } else if (this.rerouted(`exited (${how})`)) return;
    this.complete(this.initOutcome ?? outcomes.exited(job.invocation.requestId, how));
  }

  private kill(reason: KillReason, signal: NodeJS.Signals = 'SIGKILL'): void {
    this.killReason ??= reason;
    this.state.die();
    this.signal(signal);
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (signal === 'SIGKILL') this.groupKilled = true;
    this.deps.kill(pid, signal);
  }

  private output(chunk: Buffer): void {
    this.write(chunk.toString('utf8'));
  }

  private write(text: string): void {
    (this.job ?? this.closing)?.log.append(text);
    this.deps.writeLog(text);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The connection's unread verdict, or false when there is no connection or no verdict in time. */
async function verdict(connection: DeliveryConnection | null): Promise<boolean> {
  if (connection === null) return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), UNREAD_VERDICT_MS);
  });
  try {
    return await Promise.race([connection.unread, late]);
  } finally {
    clearTimeout(timer);
  }
}
