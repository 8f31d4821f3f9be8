// The console page: wires the live stream to the table, detail, charts, instances, try-it and cost views.
import './../styles.css';
import type { ConsoleInfo, InvocationSummary, StatsMessage } from '../../src/console/wire.js';
import { getJson, postJson } from './api.js';
import { Charts } from './charts.js';
import { CostPanel } from './cost.js';
import { DetailPanel } from './detail.js';
import { byId, toast, typingInto } from './dom.js';
import { InstancesView } from './instances.js';
import { type Connection, connect } from './live.js';
import { type Kind, Store } from './store.js';
import { InvocationTable } from './table.js';
import { setupTheme } from './theme.js';
import { renderTiles } from './tiles.js';
import { TryIt } from './try-it.js';

/** Time spent applying each batch of rows (JS + layout), for the benchmark; the last 1,000 kept. */
const updates: number[] = [];
Object.assign(window, { lambdaMlConsole: { updates } });

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: '● Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected: the emulator stopped or restarted. Open the new URL it prints.',
};

async function main(): Promise<void> {
  const info = await getJson<ConsoleInfo>('/api/info');
  byId('function-line').textContent =
    `${info.functionName}${info.model === null ? '' : ` · ${info.model}`} · ${info.memoryMb} MB · timeout ${info.timeoutSeconds} s · up to ${info.concurrency} instances`;
  const store = new Store(info.historyCapacity);
  const table = new InvocationTable(
    store,
    byId('viewport'),
    byId<HTMLTableSectionElement>('rows'),
    byId('empty'),
  );
  const detail = new DetailPanel(info);
  const charts = new Charts();
  const instances = new InstancesView();
  const cost = new CostPanel(info.memoryMb);
  const tryIt = new TryIt(info);
  let overall: StatsMessage['overall'] | null = null;
  let connection: Connection = 'connecting';

  const tiles = () => renderTiles({ overall, ...instances.counts(), monthly: cost.monthly });
  cost.onChange = tiles;
  const pause = byId<HTMLButtonElement>('pause');
  const showConnection = () => {
    const el = byId('connection');
    const paused = store.paused && connection === 'live';
    el.dataset.state = paused ? 'paused' : connection;
    el.textContent = paused ? `Paused · ${store.newWhilePaused} new` : CONNECTION_TEXT[connection];
    pause.textContent = store.paused ? `Resume (${store.newWhilePaused} new)` : 'Pause';
  };

  table.onOpen = (r) => void detail.show(r);
  detail.onClose = () => {
    table.select(null);
    byId('viewport').focus();
  };
  connect({
    reset: () => {
      store.reset();
      table.select(null);
      table.render();
    },
    invocations: (batch: InvocationSummary[]) => {
      const started = performance.now();
      const added = store.add(batch);
      table.added(added);
      void byId('viewport').scrollHeight; // layout now, so the measure includes it
      updates.push(performance.now() - started);
      if (updates.length > 1000) updates.splice(0, updates.length - 1000);
      if (store.paused) showConnection();
      if (detail.awaiting !== null) {
        const replayed = batch.find((r) => r.requestId === detail.awaiting);
        if (replayed !== undefined) {
          detail.awaiting = null;
          table.select(replayed.seq);
          void detail.show(replayed);
        }
      }
    },
    instances: (list) => {
      instances.update(list);
      tiles();
    },
    stats: (stats) => {
      overall = stats.overall;
      charts.update(stats);
      cost.update(stats.overall);
      instances.render();
    },
    connection: (state) => {
      connection = state;
      showConnection();
    },
  });

  const filter = byId<HTMLInputElement>('filter');
  const kind = byId<HTMLSelectElement>('kind');
  const refilter = () => {
    store.setFilter(filter.value, kind.value as Kind);
    byId('viewport').scrollTop = 0;
    table.render();
  };
  filter.addEventListener('input', refilter);
  kind.addEventListener('change', refilter);
  pause.addEventListener('click', () => {
    store.setPaused(!store.paused);
    pause.setAttribute('aria-pressed', String(store.paused));
    table.render();
    showConnection();
  });
  byId('clear').addEventListener('click', () => {
    postJson('/api/clear').catch((error: Error) => toast(`Could not clear: ${error.message}`));
  });
  setupTheme(byId<HTMLButtonElement>('theme'), () => charts.recolor());
  document.addEventListener('keydown', (event) => keys(event, { table, detail, filter }));
  tiles();
  showConnection();
  await tryIt.load();
}

function keys(
  event: KeyboardEvent,
  ui: { table: InvocationTable; detail: DetailPanel; filter: HTMLInputElement },
): void {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === 'Escape') {
    if (ui.detail.open) ui.detail.close();
    else if (typingInto(event.target)) (event.target as HTMLElement).blur();
    return;
  }
  if (typingInto(event.target)) return;
  const onControl = event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement;
  if (event.key === '/') {
    event.preventDefault();
    ui.filter.focus();
  } else if (event.key === 'j' || event.key === 'k') {
    event.preventDefault();
    ui.table.move(event.key === 'j' ? 1 : -1);
    if (ui.detail.open) {
      const r = ui.table.selected();
      if (r !== null) void ui.detail.show(r);
    }
  } else if (event.key === 'Enter' && !onControl) {
    const r = ui.table.selected();
    if (r !== null) {
      event.preventDefault();
      void ui.detail.show(r);
    }
  }
}

main().catch((error: unknown) => {
  byId('connection').textContent =
    `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  byId('connection').dataset.state = 'closed';
});
