// The summary strip: totals, percentiles, cold starts, instances, and the projected monthly bill.
import type { Overall } from '../../src/console/wire.js';
import { byId, h } from './dom.js';
import { count, ms } from './format.js';

export interface TileFigures {
  readonly overall: Overall | null;
  readonly alive: number;
  readonly busy: number;
  readonly monthly: string;
}

export function renderTiles(f: TileFigures): void {
  const o = f.overall;
  const errorShare = o !== null && o.count > 0 ? ` (${((o.errors / o.count) * 100).toFixed(1)}%)` : '';
  const tiles: [string, string, string][] = [
    ['invocations', 'Invocations', o === null ? '0' : count(o.count)],
    ['errors', 'Errors', o === null ? '0' : `${count(o.errors)}${errorShare}`],
    ['p50', 'p50', ms(o?.p50)],
    ['p95', 'p95', ms(o?.p95)],
    ['p99', 'p99', ms(o?.p99)],
    [
      'cold',
      'Cold starts',
      o === null
        ? '0'
        : `${count(o.coldStarts)}${o.meanInitMs === null ? '' : ` · ${ms(o.meanInitMs, 0)} init`}`,
    ],
    ['instances', 'Instances', `${f.alive} alive · ${f.busy} busy`],
    ['throttles', 'Throttled (429)', o === null ? '0' : count(o.throttles)],
    ['cost', 'Cost / month', f.monthly],
  ];
  byId('tiles').replaceChildren(
    ...tiles.map(([key, label, value]) =>
      h(
        'div',
        { class: 'tile', 'data-tile': key },
        h('div', { class: 'label' }, label),
        h('div', { class: 'value' }, value),
      ),
    ),
  );
}
