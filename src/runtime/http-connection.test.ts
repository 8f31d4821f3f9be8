// The runtime's one-socket HTTP client against real servers: lengths, chunked and close-delimited bodies, reuse.
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
