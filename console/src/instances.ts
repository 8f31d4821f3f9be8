// The instances table: each execution environment's state, pid, memory and calls served; stop one to force a cold start.
import type { InstanceView } from '../../src/console/wire.js';
import { postJson } from './api.js';
import { byId, h, toast } from './dom.js';
import { ago, ms } from './format.js';

const TONE: Readonly<Record<InstanceView['state'], string>> = {
  initialising: 'cold',
  idle: 'ok',
  busy: 'warn',
  stopped: 'plain',
};

export class InstancesView {
  private readonly body = byId('instances-body');
  private last: InstanceView[] = [];

  update(instances: InstanceView[]): void {
    this.last = instances;
    this.render();
  }

  /** Live instances (for the summary tile). */
  counts(): { alive: number; busy: number } {
    const alive = this.last.filter((i) => i.state !== 'stopped');
    return { alive: alive.length, busy: alive.filter((i) => i.state === 'busy').length };
  }

  render(): void {
    const now = Date.now();
    if (this.last.length === 0) {
      this.body.replaceChildren(
        h(
          'tr',
          {},
          h(
            'td',
            { colspan: 8, class: 'muted' },
            'No instance yet: the first call starts one (a cold start).',
          ),
        ),
      );
      return;
    }
    this.body.replaceChildren(
      ...this.last.map((i) => {
        const stop = h(
          'button',
          { type: 'button', class: 'ghost', 'aria-label': `Stop instance ${i.id}` },
          'Stop',
        );
        stop.disabled = i.state === 'stopped';
        if (i.state === 'busy') stop.title = 'busy: its call in flight ends with Runtime.ExitError';
        stop.addEventListener('click', () => void this.stop(i.id, stop));
        return h(
          'tr',
          { 'data-instance': i.id, 'data-state': i.state },
          h('td', {}, `#${i.id}`),
          h('td', {}, h('span', { class: `badge ${TONE[i.state]}` }, i.state)),
          h('td', { class: 'num' }, i.pid === null ? '–' : String(i.pid)),
          h('td', { class: 'num' }, i.rssMb === null ? '–' : `${i.rssMb.toFixed(1)} MB`),
          h('td', { class: 'num' }, String(i.invocations)),
          h('td', { class: 'num' }, ms(i.initDurationMs)),
          h('td', {}, ago(i.startedAt, now)),
          h('td', {}, stop),
        );
      }),
    );
  }

  private async stop(id: number, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await postJson(`/api/instances/${id}/stop`);
      toast(`Instance #${id} is stopping: the next call starts a new one`);
    } catch (error) {
      toast(`Could not stop #${id}: ${(error as Error).message}`);
      button.disabled = false;
    }
  }
}
