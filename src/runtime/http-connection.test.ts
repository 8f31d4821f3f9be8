// The runtime's one-socket HTTP client against real servers: lengths, chunked and close-delimited bodies, reuse,
// pipelining.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { HttpConnection } from './http-connection.js';

function listen(server: Server | net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A raw TCP server whose `close` also ends the connections it accepted (so the test process can exit). */
function rawServer(onSocket: (socket: net.Socket) => void): { server: net.Server; close(): void } {
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    onSocket(socket);
  });
  return {
    server,
    close: () => {
      for (const socket of open) socket.destroy();
      server.close();
    },
  };
}

const head = (method: string, path: string, body?: string) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${body === undefined ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`}\r\n`;

describe('HttpConnection', () => {
  const sockets = new Set<net.Socket>();
  const server = createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/big') {
        const big = 'a'.repeat(3_000_000);
        res.writeHead(200, { 'Content-Length': big.length });
        res.end(big);
      } else if (req.url === '/chunked') {
        // No Content-Length: Node answers chunked.
        res.writeHead(200, { 'X-Kind': 'chunked' });
        res.write('héllo ');
        setTimeout(() => res.end('wörld'), 5);
      } else {
        const text = `${req.method} ${req.url} ${body}`;
        res.writeHead(202, { 'Content-Length': Buffer.byteLength(text), 'X-Kind': 'length' });
        res.end(text);
      }
    });
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads Content-Length and chunked answers on one kept-alive socket', async () => {
    const port = await listen(server);
    const connection = new HttpConnection('127.0.0.1', port);
    const first = await connection.request(head('POST', '/a', 'ü'), 'ü');
    assert.deepEqual([first.status, first.headers['x-kind'], first.body], [202, 'length', 'POST /a ü']);
    const second = await connection.request(head('GET', '/chunked'), undefined);
    assert.deepEqual([second.status, second.headers['x-kind'], second.body], [200, 'chunked', 'héllo wörld']);
    const big = await connection.request(head('GET', '/big'), undefined);
    assert.equal(big.body.length, 3_000_000);
    assert.match(big.body, /^a+$/);
    const third = await connection.request(head('GET', '/b'), undefined);
    assert.equal(third.body, 'GET /b ');
    assert.equal(sockets.size, 1);
  });

  it('retries once when the server closed the idle kept-alive socket', async () => {
    const port = (server.address() as net.AddressInfo).port;
    const connection = new HttpConnection('127.0.0.1', port);
    await connection.request(head('GET', '/x'), undefined);
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reply = await connection.request(head('GET', '/y'), undefined);
    assert.equal(reply.body, 'GET /y ');
  });

  it('pipelines requests made together on the one socket and settles them in order', async () => {
    const port = (server.address() as net.AddressInfo).port;
    const connection = new HttpConnection('127.0.0.1', port);
    const before = sockets.size;
    const replies = await Promise.all([
      connection.request(head('POST', '/p1', 'one'), 'one'),
      connection.request(head('GET', '/chunked'), undefined),
      connection.request(head('GET', '/p3'), undefined),
    ]);
    assert.deepEqual(
      replies.map((r) => r.body),
      ['POST /p1 one', 'héllo wörld', 'GET /p3 '],
    );
    assert.equal(sockets.size, before + 1);
  });

  it('splits pipelined answers that arrive in one chunk', async () => {
    const raw = rawServer((socket) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1');
        if (text.split('\r\n\r\n').length - 1 < 2) return;
        socket.write(
          'HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-N: 2\r\n\r\nnext',
        );
      });
    });
    const port = await listen(raw.server);
    try {
      const connection = new HttpConnection('127.0.0.1', port);
      const [first, second] = await Promise.all([
        connection.request(head('POST', '/a', ''), ''),
        connection.request(head('GET', '/b'), undefined),
      ]);
      assert.deepEqual([first?.status, first?.body], [202, 'ok']);
      assert.deepEqual([second?.status, second?.body, second?.headers['x-n']], [200, 'next', '2']);
    } finally {
      raw.close();
    }
  });

  it('sends requests pipelined behind a Connection: close answer again on a new connection', async () => {
    let connections = 0;
    const raw = rawServer((socket) => {
      connections++;
      const first = connections === 1;
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1');
        const heads = text.split('\r\n\r\n').length - 1;
        if (first && heads >= 2) {
          // Answers the first request only, then closes: the second was never read.
          socket.end('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbig');
        } else if (!first && heads >= 1) {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain');
          text = '';
        }
      });
    });
    const port = await listen(raw.server);
    try {
      const connection = new HttpConnection('127.0.0.1', port);
      const [refused, retried] = await Promise.all([
        connection.request(head('POST', '/response', ''), ''),
        connection.request(head('GET', '/next'), undefined),
      ]);
      assert.deepEqual([refused?.status, refused?.body], [413, 'big']);
      assert.deepEqual([retried?.status, retried?.body], [200, 'again']);
      assert.equal(connections, 2);
    } finally {
      raw.close();
    }
  });

  it('abandon() resets the connection, which the server sees as ECONNRESET', async () => {
    let seen: Promise<string> = Promise.resolve('no connection');
    const raw = rawServer((socket) => {
      seen = new Promise((resolve) => {
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
        socket.on('close', () => resolve('closed without an error'));
      });
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    });
    const port = await listen(raw.server);
    try {
      const connection = new HttpConnection('127.0.0.1', port);
      assert.equal((await connection.request(head('GET', '/'), undefined)).body, 'ok');
      connection.abandon();
      assert.equal(await seen, 'ECONNRESET');
    } finally {
      raw.close();
    }
  });

  it('reads a close-delimited body and rejects when nothing answers', async () => {
    const raw = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close'));
    });
    const port = await listen(raw);
    try {
      const connection = new HttpConnection('127.0.0.1', port);
      assert.equal((await connection.request(head('GET', '/'), undefined)).body, 'until close');
      // A new connection for the next call, since the server closed this one.
      assert.equal((await connection.request(head('GET', '/'), undefined)).body, 'until close');
    } finally {
      raw.close();
    }
    const dead = new HttpConnection('127.0.0.1', port);
    await assert.rejects(dead.request(head('GET', '/'), undefined), /ECONNREFUSED/);
  });
});
