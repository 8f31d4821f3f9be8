// Platform log lines and the bounded per-invocation log behind X-Amz-Log-Result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS, logTail } from '../contract.js';
import { InvocationLog, reportLine } from './logs.js';

describe('logs', () => {
  it('formats REPORT like Lambda, with Init Duration only when given', () => {
    const warm = reportLine({ requestId: 'r', durationMs: 1.234, memoryMb: 128, maxMemoryUsedMb: 40 });
    assert.equal(
      warm,
      'REPORT RequestId: r\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n',
    );
    const cold = reportLine({
      requestId: 'r',
      durationMs: 0.2,
      memoryMb: 256,
      maxMemoryUsedMb: 41,
      initDurationMs: 55.1,
    });
    assert.match(cold, /Billed Duration: 1 ms\t.*\tInit Duration: 55\.10 ms\t\n$/);
  });

  it('keeps enough of a long log for an exact 4 KB tail', () => {
    const log = new InvocationLog();
    let full = '';
    for (let i = 0; i < 5000; i++) {
      const line = `line ${i} é\n`;
      log.append(line);
      full += line;
    }
    const tail = Buffer.from(logTail(log.text()), 'base64');
    assert.equal(tail.length, LIMITS.tailBytes);
    assert.deepEqual(tail, Buffer.from(full).subarray(-LIMITS.tailBytes));
  });
});
