// The event stream from the emulator (Server-Sent Events): reconnects by itself and resumes after the last row.
import type { InstanceView, InvocationSummary, StatsMessage } from '../../src/console/wire.js';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveHandlers {
  reset(): void;
  invocations(batch: InvocationSummary[]): void;
  instances(list: InstanceView[]): void;
  stats(stats: StatsMessage): void;
  connection(state: Connection): void;
}

export function connect(handlers: LiveHandlers): EventSource {
  const source = new EventSource('/api/events');
  const on = <T>(name: string, fn: (data: T) => void) =>
    source.addEventListener(name, (event) => fn(JSON.parse((event as MessageEvent<string>).data) as T));
  on('reset', () => handlers.reset());
  on<InvocationSummary[]>('invocations', (batch) => handlers.invocations(batch));
  on<InstanceView[]>('instances', (list) => handlers.instances(list));
  on<StatsMessage>('stats', (stats) => handlers.stats(stats));
  source.addEventListener('open', () => handlers.connection('live'));
  // EventSource retries by itself (and sends Last-Event-ID); CLOSED means the server refused us.
  source.addEventListener('error', () =>
    handlers.connection(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'),
  );
  return source;
}
