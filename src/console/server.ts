// The live console: its own HTTP server (own port, so it is never in the way of Invoke API or Function URL paths).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readTreeRss } from '../emulator/sandbox/memory.js';
import type { Emulator } from '../emulator/server.js';
import type { ModelDescription } from '../model/describe.js';
import { handleApi, sendJson } from './api.js';
import { DEFAULT_ASSETS_DIR, loadAssets, sendAsset } from './assets.js';
import { ApiError, ConsoleError } from './errors.js';
import { createGuard, newToken } from './guard.js';
import { BODY_LIMIT } from './history.js';
import { createInvoker, INVOKE_PATH } from './invoke-proxy.js';
import { refusalPage } from './refusal.js';
import { ConsoleState } from './state.js';
import { EventStream } from './stream.js';
import type { SchemaReply } from './wire.js';

export interface ConsoleOptions {
  /** Default 127.0.0.1: the console is for the person at this machine. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default: a fresh random token per run. */
  readonly token?: string;
  /** The built page (default dist/console-page). */
  readonly assetsDir?: string;
  /** Invocations kept for the table, replay and percentiles (default 10,000). */
  readonly historySize?: number;
  /** Describes the served model (for the try-it form); absent when no model is known. */
  readonly describe?: () => Promise<ModelDescription>;
  /** The model file's name, shown in the header. */
  readonly model?: string;
}

export interface ConsoleServer {
  /** The address to open, token included. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Observed = Pick<Emulator, 'url' | 'port' | 'events' | 'instances' | 'stopInstance' | 'settings'>;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Starts the console for a running emulator (throws a clear error when the page is not built). */
export async function startConsole(emulator: Observed, options: ConsoleOptions = {}): Promise<ConsoleServer> {
  const assets = loadAssets(options.assetsDir ?? DEFAULT_ASSETS_DIR);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const state = new ConsoleState(emulator, options.historySize ?? 10_000, readTreeRss);
  const stream = new EventStream(state);
  const target = { host: loopbackOf(new URL(emulator.url).hostname), port: emulator.port };
  const invoker = createInvoker(target);
  const server = createServer();
  await listen(server, host, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const guard = createGuard(token, port, host);
  const invokeBase = `http://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const ctx = {
    emulator,
    state,
    stream,
    info: {
      ...emulator.settings,
      invokeUrl: `${invokeBase}${INVOKE_PATH}`,
      functionUrlBase: `${invokeBase}/`,
      historyCapacity: state.history.capacity,
      bodyLimit: BODY_LIMIT,
      model: options.model ?? null,
    },
    schema: memoSchema(options.describe),
    invoke: invoker.invoke,
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const hostProblem = guard.hostProblem(req);
    if (hostProblem !== null) {
      req.resume();
      return refuse(res, 403, `${hostProblem}. Open the console at the address lambda-ml printed.`);
    }
    if (url.pathname === '/' && url.searchParams.has('token')) {
      req.resume();
      if (!guard.tokenMatches(url.searchParams.get('token')))
        return refuse(res, 401, 'this token is not the one of the running lambda-ml (it changes every run).');
      // The token moves into a cookie and out of the address bar (and the browser history).
      res.writeHead(303, { 'Set-Cookie': guard.cookie, Location: '/' });
      return res.end();
    }
    if (!guard.authorised(req)) {
      req.resume();
      return refuse(res, 401, 'open the console with the URL lambda-ml printed: it carries the token.');
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET') {
        const originProblem = guard.originProblem(req);
        if (originProblem !== null) {
          req.resume();
          return sendJson(res, 403, { error: originProblem });
        }
      }
      handleApi(ctx, req, res, url.pathname).catch((error: unknown) => {
        const status = error instanceof ApiError ? error.status : 502;
        const message = error instanceof Error ? error.message : String(error);
        if (!res.headersSent) sendJson(res, status, { error: message });
        else res.destroy();
      });
      return;
    }
    req.resume();
    const asset = assets.get(url.pathname);
    if (asset === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return refuse(res, 404, `there is no ${url.pathname} here.`);
    }
    sendAsset(req, res, asset, {});
  });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/?token=${token}`,
    port,
    close: () => {
      closing ??= (async () => {
        stream.close();
        state.close();
        invoker.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** The model described once, on the first page that asks (never at startup, never in the function). */
function memoSchema(read: (() => Promise<ModelDescription>) | undefined): () => Promise<SchemaReply> {
  let reply: Promise<SchemaReply> | null = null;
  return () => {
    reply ??=
      read === undefined
        ? Promise.resolve({
            description: null,
            error: 'no model file is known to the console (serve was started without --model)',
          })
        : read().then(
            (description) => ({ description, error: null }),
            (error: unknown) => ({
              description: null,
              error: `cannot read the model's schema: ${error instanceof Error ? error.message : String(error)}`,
            }),
          );
    return reply;
  };
}

function loopbackOf(hostname: string): string {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare === '0.0.0.0') return '127.0.0.1';
  if (bare === '::') return '::1';
  return bare;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const body = refusalPage(status, message);
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? `console port ${port} on ${host} is already in use; choose another with --console-port <n> (0 picks a free one)`
          : `the console cannot listen on ${host}:${port}: ${error.message}`;
      reject(new ConsoleError(hint, { cause: error, context: { host, port } }));
    });
    server.listen(port, host, () => resolve());
  });
}
