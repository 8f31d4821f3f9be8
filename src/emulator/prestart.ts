// The first instance's runtime process, started before the CLI has loaded the rest of itself, so the two
// Node starts overlap instead of running one after the other. It is the instance `serve`/`start` would
// start anyway for their readiness check (a Lambda-style proactive init: its first call still reports
// Init Duration). The emulator adopts it only when it would have spawned exactly this process (same
// argv, environment, working directory, model file unchanged); otherwise it is killed and forgotten.
import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** How an instance's runtime process is started (AWS_LAMBDA_RUNTIME_API is added per instance). */
export interface SpawnSpec {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** Starts a runtime process the way every instance is started: own process group, output piped. */
export function spawnRuntime(
  command: readonly string[],
  env: Record<string, string>,
  cwd: string,
): ChildProcess {
  // Own process group (detached) so a kill reaches the runtime's children and Ctrl+C reaches only us.
  return spawn(command[0] as string, command.slice(1), {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** A file's identity and content stamp: a rewrite (or a rename over it) changes it. */
function stampOf(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

function sameSpec(a: SpawnSpec, b: SpawnSpec): boolean {
  if (a.cwd !== b.cwd || a.command.length !== b.command.length) return false;
  if (a.command.some((arg, i) => arg !== b.command[i])) return false;
  const keys = Object.keys(a.env);
  if (keys.length !== Object.keys(b.env).length) return false;
  return keys.every((key) => Object.hasOwn(b.env, key) && a.env[key] === b.env[key]);
}

export class PrestartedRuntime {
  private queued: Socket[] = [];
  private spawnFailed = false;
  private settled = false;

  private constructor(
    readonly spec: SpawnSpec,
    /** host:port of the Runtime API the process was told about. */
    readonly address: string,
    /** When the process was spawned (performance.now() of this process). */
    readonly startedAt: number,
    readonly child: ChildProcess,
    private readonly listener: Server,
    private readonly watched: { readonly path: string; readonly stamp: string | null } | undefined,
  ) {
    child.once('error', () => {
      this.spawnFailed = true;
    });
    listener.on('connection', (socket: Socket) => {
      // Paused (pauseOnConnect): nothing is read until the adopting endpoint takes the socket.
      this.queued.push(socket);
      socket.once('close', () => {
        this.queued = this.queued.filter((s) => s !== socket);
      });
    });
    process.once('exit', () => this.discard());
  }

  /**
   * Listens on a fresh loopback port and spawns `spec` pointed at it. `watch` names a file (the model)
   * whose change before adoption makes the process unusable. Undefined when it cannot start.
   */
  static async start(spec: SpawnSpec, watch?: string): Promise<PrestartedRuntime | undefined> {
    const listener = createServer({ pauseOnConnect: true });
    try {
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(0, '127.0.0.1', () => resolve());
      });
    } catch {
      return undefined;
    }
    const address = listener.address();
    if (address === null || typeof address === 'string') {
      listener.close();
      return undefined;
    }
    const runtimeApi = `127.0.0.1:${address.port}`;
    const watched = watch === undefined ? undefined : { path: watch, stamp: stampOf(watch) };
    const startedAt = performance.now();
    const child = spawnRuntime(spec.command, { ...spec.env, AWS_LAMBDA_RUNTIME_API: runtimeApi }, spec.cwd);
    return new PrestartedRuntime(spec, runtimeApi, startedAt, child, listener, watched);
  }

  /** True while the process runs (it may still be initialising). */
  get alive(): boolean {
    return (
      !this.spawnFailed &&
      this.child.pid !== undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  /** True while the process is not yet adopted and still stands for what `spec` would start now. */
  usableFor(spec: SpawnSpec): boolean {
    return (
      !this.settled &&
      this.alive &&
      sameSpec(this.spec, spec) &&
      (this.watched === undefined || stampOf(this.watched.path) === this.watched.stamp)
    );
  }

  /**
   * Moves the listening socket into `server` (an http.Server of the Runtime API) and hands it the
   * connections that arrived before; from then on the process belongs to the caller.
   */
  async adoptInto(server: Server): Promise<void> {
    this.settled = true;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listener, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const queued = this.queued;
    this.queued = [];
    for (const socket of queued) {
      if (socket.destroyed) continue;
      server.emit('connection', socket);
      socket.resume();
    }
  }

  /** Kills the process (and its group) and closes the port, unless it was adopted. */
  discard(): void {
    if (this.settled) return;
    this.settled = true;
    for (const socket of this.queued) socket.destroy();
    this.queued = [];
    this.listener.close();
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
