// The function's execution environments: reuse while warm, start lazily, cap at --concurrency, replace the dead.
import { randomUUID } from 'node:crypto';
import type { Invocation, InvokeRequest, InvokeResult } from '../contract.js';
import { ConcurrencyLimitError, ShuttingDownError } from '../errors.js';
import { EmulatorEvents, type InstanceInfo } from '../events.js';
import { ExecutionEnvironment, type RunResult } from './environment.js';
import type { SandboxDeps } from './types.js';

const MEMORY_POLL_MS = 50;
/** How many times one call may move to another instance before it fails where it is. */
const MAX_REROUTES = 3;

/** Whether the function's instances can initialise (the health route and `serve`'s start-up check). */
export type Readiness =
  | { readonly ready: true; readonly instances: number }
  | { readonly ready: false; readonly errorType: string; readonly errorMessage: string };

export class Pool {
  private readonly envs = new Set<ExecutionEnvironment>();
  /** Warm, free environments; the most recently used is reused first, as Lambda does. */
  private idle: ExecutionEnvironment[] = [];
  private nextId = 1;
  private closing = false;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private checking: Promise<Readiness> | null = null;
  /** The environment a readiness check is initialising: the first call takes it instead of a new one. */
  private preparing: ExecutionEnvironment | null = null;
  private readonly memoryTimer: NodeJS.Timeout;
  private readonly events: EmulatorEvents;
  /** Called whenever an environment becomes free (the event queue listens). */
  onAvailable: () => void = () => {};

  constructor(
    private readonly deps: SandboxDeps,
    readonly limit: number,
  ) {
    this.events = deps.events ?? new EmulatorEvents();
    this.memoryTimer = setInterval(() => {
      for (const env of this.envs) env.checkMemory();
    }, MEMORY_POLL_MS);
    this.memoryTimer.unref();
  }

  /** Live process ids (tests use them to prove nothing leaks). */
  get pids(): number[] {
    return [...this.envs].flatMap((env) => (env.pid === undefined ? [] : [env.pid]));
  }

  get size(): number {
    return this.envs.size;
  }

  /** Every environment with its state, oldest first (observers start from this). */
  instances(): InstanceInfo[] {
    return [...this.envs].map(infoOf);
  }

  /** Stops one environment (its next call is a cold start); false when no live one has that id. */
  stop(id: number): boolean {
    for (const env of this.envs) {
      if (env.id !== id || env.state.phase === 'dead') continue;
      void env.stop();
      return true;
    }
    return false;
  }

  /** True when an invocation would not get a 429 right now. */
  get hasCapacity(): boolean {
    return !this.closing && (this.idle.some((env) => env.state.available) || this.live() < this.limit);
  }

  /** Starts `count` environments and waits until each has initialised (or died trying). */
  async warm(count: number): Promise<void> {
    const started = Array.from({ length: Math.min(count, this.limit) }, () => this.spawn());
    await Promise.all(started.map((env) => Promise.race([env.initialised, env.exited])));
    for (const env of started) if (env.state.available) this.idle.push(env);
  }

  /**
   * Whether an instance can initialise: an initialised one proves it; otherwise one is started now and
   * kept for the first call (which still reports its Init Duration). One check runs at a time.
   */
  readiness(): Promise<Readiness> {
    const initialised = [...this.envs].filter(
      (env) => env.state.phase !== 'init' && env.state.phase !== 'dead',
    );
    if (initialised.length > 0) return Promise.resolve({ ready: true, instances: initialised.length });
    if (this.closing || this.live() >= this.limit) {
      return Promise.resolve({
        ready: false,
        errorType: 'Emulator.Busy',
        errorMessage: 'every instance is still initialising',
      });
    }
    this.checking ??= this.startForReadiness().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async startForReadiness(): Promise<Readiness> {
    const env = this.spawn();
    env.startedForReadiness();
    this.preparing = env;
    await Promise.race([env.initialised, env.exited]);
    if (this.preparing === env) {
      // No call took it while it initialised: it waits in the idle list for the first one.
      this.preparing = null;
      if (env.state.available) this.idle.push(env);
    }
    if (env.state.phase !== 'dead') return { ready: true, instances: this.live() };
    const failure = env.initFailure;
    return {
      ready: false,
      errorType: failure?.kind === 'error' ? failure.errorType : 'Runtime.ExitError',
      errorMessage:
        failure?.kind === 'error' ? parseError(failure.body) : 'the runtime exited during initialisation',
    };
  }

  /** Runs one invocation; throws ConcurrencyLimitError (429) when every environment is busy. */
  async invoke(request: InvokeRequest, requestId: string = randomUUID()): Promise<InvokeResult> {
    if (this.closing) throw new ShuttingDownError();
    const first = this.acquire();
    const invocation: Invocation = {
      requestId,
      payload: request.payload,
      functionArn: this.deps.config.functionArn,
      traceId: traceId(),
      ...(request.clientContext === undefined ? {} : { clientContext: request.clientContext }),
      deadlineMs: 0,
    };
    this.inFlight++;
    const startedAt = this.events.active ? Date.now() : 0;
    let env = first;
    let result: RunResult | undefined;
    try {
      const ran = await this.runRouted(first, invocation);
      env = ran.env;
      result = ran.result;
      return { requestId, outcome: result.outcome, log: result.log };
    } finally {
      this.inFlight--;
      this.release(env);
      if (this.events.active) this.publishAfterAnswer(env, invocation, startedAt, result);
    }
  }

  /**
   * The finished invocation and its environment's new state go to observers on the next turn of the
   * event loop: the caller's continuation (the Invoke API writing its answer) runs first, in this turn's
   * microtasks, so an observer (the console) never delays an answer. The state is read then, so an
   * environment that meanwhile died or took the next call is never reported idle after it.
   */
  private publishAfterAnswer(
    env: ExecutionEnvironment,
    invocation: Invocation,
    startedAt: number,
    result: RunResult | undefined,
  ): void {
    setImmediate(() => {
      if (result !== undefined) this.published(env, invocation, startedAt, result);
      this.observe(env);
    });
  }

  /**
   * Runs `invocation` on `env`; when that environment dies before its runtime took the call (it was
   * still finishing the previous one, then exited, hung or was stopped), or exits with the call
   * delivered but unread, the call moves to another instance at once, at most MAX_REROUTES times.
   * Resolves with the environment that answered.
   */
  private runRouted(
    env: ExecutionEnvironment,
    invocation: Invocation,
  ): Promise<{ env: ExecutionEnvironment; result: RunResult }> {
    return new Promise((resolve) => {
      let moves = 0;
      const start = (target: ExecutionEnvironment, startLogged: boolean) => {
        const reroute = (logged: boolean): boolean => {
          if (this.closing || moves >= MAX_REROUTES) return false;
          let next: ExecutionEnvironment;
          try {
            next = this.acquire(target);
          } catch {
            return false;
          }
          moves++;
          start(next, logged);
          return true;
        };
        void target.run(invocation, reroute, startLogged).then((result) => resolve({ env: target, result }));
        this.observe(target);
      };
      start(env, false);
    });
  }

  /** Stops taking calls, waits up to `graceMs` for calls in flight, then stops every environment. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    await this.drain(graceMs);
    clearInterval(this.memoryTimer);
    await Promise.all([...this.envs].map((env) => env.stop()));
    // Calls cut short by the stop still get their answer (Runtime.ExitError) before we return.
    await this.drain(1000);
    this.idle = [];
  }

  /** Waits until no invocation is in flight, or `ms` pass. */
  private async drain(ms: number): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * An environment for the next call: one whose runtime waits in /next (the only truly free state),
   * else one that has just answered and is on its way back to /next (the call waits there and moves
   * on if that runtime dies instead), else the one a readiness check is starting, else a new one.
   */
  private acquire(except?: ExecutionEnvironment): ExecutionEnvironment {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const env = this.idle[i] as ExecutionEnvironment;
      if (env !== except && env.state.waiting) {
        this.idle.splice(i, 1);
        return env;
      }
    }
    while (this.idle.length > 0) {
      const env = this.idle.pop() as ExecutionEnvironment;
      if (env !== except && env.state.available) return env;
    }
    const preparing = this.preparing;
    if (preparing?.state.available && preparing !== except) {
      this.preparing = null;
      return preparing;
    }
    if (this.live() >= this.limit) {
      if (this.events.active) this.events.publish({ kind: 'throttle', at: Date.now() });
      throw new ConcurrencyLimitError(this.limit);
    }
    return this.spawn();
  }

  private release(env: ExecutionEnvironment): void {
    if (this.closing) {
      if (this.inFlight === 0) this.drained?.();
      return;
    }
    if (env.state.available) this.idle.push(env);
    this.onAvailable();
  }

  private spawn(): ExecutionEnvironment {
    const env = new ExecutionEnvironment(this.nextId++, this.deps, (gone) => {
      this.envs.delete(gone);
      this.idle = this.idle.filter((e) => e !== gone);
      this.observe(gone);
      if (!this.closing) this.onAvailable();
    });
    this.envs.add(env);
    void env.start();
    this.observe(env);
    void env.initialised.then(() => this.observe(env));
    return env;
  }

  /** Publishes an environment's state when someone is listening. */
  private observe(env: ExecutionEnvironment): void {
    if (this.events.active) this.events.publish({ kind: 'instance', ...infoOf(env), at: Date.now() });
  }

  private published(env: ExecutionEnvironment, invocation: Invocation, at: number, result: RunResult): void {
    const { figures } = result;
    this.events.publish({
      kind: 'invocation',
      requestId: invocation.requestId,
      instanceId: env.id,
      startedAt: at,
      request: invocation.payload,
      outcome: result.outcome,
      durationMs: figures.durationMs,
      ...(figures.initDurationMs === undefined ? {} : { initDurationMs: figures.initDurationMs }),
      maxMemoryUsedMb: figures.maxMemoryUsedMb,
      memoryMb: figures.memoryMb,
      log: result.log,
    });
  }

  /** Environments that count against the limit: dead ones are on their way out. */
  private live(): number {
    let count = 0;
    for (const env of this.envs) if (env.state.phase !== 'dead' || env.holdsSlot) count++;
    return count;
  }
}

/** The `errorMessage` of a function error body, or its text when it is not the usual JSON. */
function parseError(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Plain text: return it as it is.
  }
  return text;
}

function infoOf(env: ExecutionEnvironment): InstanceInfo {
  const { phase, inFlight } = env.state;
  const state =
    phase === 'dead' ? 'stopped' : phase === 'init' ? 'initialising' : inFlight !== null ? 'busy' : 'idle';
  return { id: env.id, pid: env.pid ?? null, state };
}

/** An X-Ray style trace header, as Lambda passes in Lambda-Runtime-Trace-Id. */
function traceId(): string {
  const hex = randomUUID().replaceAll('-', '');
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${hex.slice(0, 24)};Parent=${hex.slice(16, 32)};Sampled=0`;
}
