// Reads an HTTP request body up to a byte limit without ever truncating silently (both APIs use it).
import type { IncomingMessage } from 'node:http';

export interface BodyRead {
  readonly body: Buffer;
  /** The body was longer than the limit; `body` is empty and `size` is what arrived. */
  readonly tooLarge: boolean;
  readonly size: number;
}

/** Beyond this the connection is cut instead of drained: nobody legitimately sends it. */
const HARD_LIMIT_FACTOR = 8;

/**
 * Collects the body; past `limit` it keeps reading and discarding (so the client sees our 413 instead
 * of a reset socket) until `limit * 8`, where it gives up and destroys the connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0;
      if (size > limit * HARD_LIMIT_FACTOR) req.destroy();
    });
    req.once('end', () => {
      if (size > limit) resolve({ body: Buffer.alloc(0), tooLarge: true, size });
      else
        resolve({
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
          tooLarge: false,
          size,
        });
    });
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}
