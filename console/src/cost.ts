// The cost panel: the month's Lambda bill from the observed durations and a typed request rate (lambda-ml's price table).

import type { Overall } from '../../src/console/wire.js';
import { lambdaMonthlyCost } from '../../src/cost/lambda.js';
import { type Architecture, PRICE_REGION, PRICES_AS_OF, SECONDS_PER_MONTH } from '../../src/cost/prices.js';
import { byId, h } from './dom.js';
import { count, ms, usd } from './format.js';

export class CostPanel {
  private overall: Overall | null = null;
  private readonly out = byId('cost-out');
  private readonly rate = byId<HTMLInputElement>('rate');
  private readonly unit = byId<HTMLSelectElement>('rate-unit');
  private readonly memory = byId<HTMLInputElement>('memory');
  private readonly arch = byId<HTMLSelectElement>('arch');
  private readonly freeTier = byId<HTMLInputElement>('free-tier');
  private readonly coldBox: HTMLInputElement;
  /** The monthly total for the summary tile. */
  monthly = '–';
  onChange: () => void = () => {};

  constructor(memoryMb: number) {
    this.memory.value = String(memoryMb);
    this.coldBox = h('input', { type: 'checkbox', id: 'cold-starts' });
    byId('cost-form').append(
      h('label', { class: 'check' }, this.coldBox, ' bill cold starts at the rate seen here'),
    );
    byId('cost-form').addEventListener('input', () => this.render());
    byId('cost-form').addEventListener('submit', (e) => e.preventDefault());
  }

  update(overall: Overall): void {
    this.overall = overall;
    this.render();
  }

  private requestsPerMonth(): number | null {
    const value = Number(this.rate.value);
    if (this.rate.value.trim() === '' || !Number.isFinite(value) || value < 0) return null;
    return this.unit.value === 'month' ? value : (value / Number(this.unit.value)) * SECONDS_PER_MONTH;
  }

  private render(): void {
    const o = this.overall;
    const requests = this.requestsPerMonth();
    const memoryMb = Number(this.memory.value);
    const problems: string[] = [];
    if (requests === null) problems.push('Requests must be a number ≥ 0.');
    if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10240)
      problems.push('Memory must be a whole number of MB from 128 to 10240.');
    if (o === null || o.count === 0 || o.meanMs === null || o.meanBilledMs === null) {
      this.monthly = '–';
      this.out.replaceChildren(
        h('p', { class: 'muted' }, 'Send a few invocations: the estimate uses their measured durations.'),
      );
      this.onChange();
      return;
    }
    if (problems.length > 0 || requests === null) {
      this.monthly = '–';
      this.out.replaceChildren(...problems.map((p) => h('p', { class: 'error' }, p)));
      this.onChange();
      return;
    }
    const coldRatio = o.coldStarts / o.count;
    const withCold = this.coldBox.checked && o.meanInitMs !== null;
    const cost = lambdaMonthlyCost({
      requests,
      durationMs: o.meanMs,
      billedDurationMs: o.meanBilledMs,
      memoryMb,
      arch: this.arch.value as Architecture,
      provisioned: 0,
      coldStartRatio: withCold ? coldRatio : 0,
      initMs: withCold ? (o.meanInitMs ?? 0) : 0,
      freeTier: this.freeTier.checked,
    });
    this.monthly = usd(cost.totalUsd);
    const perMillion = requests > 0 ? usd((cost.totalUsd / requests) * 1e6) : '–';
    const rows: [string, string][] = [
      ['Compute', `${usd(cost.computeUsd)} (${count(Math.round(cost.billableGbSeconds))} billable GB-s)`],
      ['Requests', `${usd(cost.requestsUsd)} (${count(Math.round(cost.billableRequests))} billable)`],
      ['Per million requests', perMillion],
    ];
    this.out.replaceChildren(
      h('p', { class: 'cost-total', id: 'cost-total' }, `${usd(cost.totalUsd)} / month`),
      h(
        'table',
        { class: 'plain cost-table' },
        h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v)))),
      ),
      h(
        'p',
        { class: 'muted' },
        `${count(Math.round(requests))} requests a month, mean billed duration ${ms(o.meanBilledMs)} over the ${count(o.count)} invocations kept here` +
          (withCold
            ? `, cold starts ${(coldRatio * 100).toFixed(1)}% with ${ms(o.meanInitMs, 0)} init`
            : `, cold starts not billed (${(coldRatio * 100).toFixed(1)}% seen here)`) +
          `. Durations come from this machine, not from Lambda's CPU at ${memoryMb} MB. Prices: ${PRICE_REGION}, as of ${PRICES_AS_OF}.`,
      ),
    );
    this.onChange();
  }
}
