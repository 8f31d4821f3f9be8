// The four charts (uPlot): latency percentiles with cold starts, histogram, rates, concurrency. Redrawn per stats message.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StatsMessage } from '../../src/console/wire.js';
import { byId } from './dom.js';
import { count } from './format.js';

const HEIGHT = 220;

type Build = (width: number, colors: Colors) => uPlot.Options;

interface Colors {
  readonly text: string;
  readonly grid: string;
  readonly c1: string;
  readonly c2: string;
  readonly c3: string;
  readonly c4: string;
}

/** The theme's chart colours as rgb() (the variables hold light-dark() pairs a canvas cannot read). */
function colors(): Colors {
  const probe = document.createElement('span');
  document.body.append(probe);
  const resolve = (name: string) => {
    probe.style.color = `var(${name})`;
    return getComputedStyle(probe).color;
  };
  const c = {
    text: resolve('--muted'),
    grid: resolve('--line'),
    c1: resolve('--c1'),
    c2: resolve('--c2'),
    c3: resolve('--c3'),
    c4: resolve('--c4'),
  };
  probe.remove();
  return c;
}

/** `rgb(r, g, b)` with an alpha. */
function translucent(rgb: string, alpha: number): string {
  return rgb.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);
}

function axes(c: Colors, yLabel: string, xTime = true): uPlot.Axis[] {
  const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
  return [
    xTime ? axis : { ...axis, label: 'ms', labelSize: 18 },
    { ...axis, label: yLabel, labelSize: 18, size: 50 },
  ];
}

const line = (label: string, stroke: string, extra: Partial<uPlot.Series> = {}): uPlot.Series => ({
  label,
  stroke,
  width: 1.75,
  points: { show: false },
  ...extra,
});

const builds: Record<string, Build> = {
  latency: (width, c) => ({
    width,
    height: HEIGHT,
    axes: axes(c, 'ms'),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [
      {},
      line('p50', c.c1),
      line('p95', c.c2),
      line('p99', c.c3),
      line('cold start', c.c4, {
        paths: () => null,
        points: { show: true, size: 10, fill: c.c4, stroke: c.c4 },
      }),
    ],
  }),
  histogram: (width, c) => ({
    width,
    height: HEIGHT,
    axes: axes(c, 'calls', false),
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [
      { label: 'from (ms)', value: (_u, v) => (v === null ? '–' : v.toFixed(2)) },
      {
        label: 'calls',
        stroke: c.c1,
        fill: translucent(c.c1, 0.4),
        paths: uPlot.paths.bars?.({ size: [0.9, 80], align: 1 }),
        points: { show: false },
      },
    ],
  }),
  rate: (width, c) => ({
    width,
    height: HEIGHT,
    axes: axes(c, 'per second'),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [{}, line('invocations', c.c1), line('errors', c.c3), line('throttles', c.c2)],
  }),
  instances: (width, c) => {
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    return {
      width,
      height: HEIGHT,
      axes: axes(c, 'instances'),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(2, max + 1)] } },
      series: [
        {},
        line('busy', c.c1, stepped === undefined ? {} : { paths: stepped }),
        line('alive', c.c4, stepped === undefined ? {} : { paths: stepped }),
      ],
    };
  },
};

export class Charts {
  private readonly plots = new Map<string, uPlot>();
  private last: StatsMessage | null = null;

  constructor() {
    this.create();
    new ResizeObserver(() => {
      for (const [name, plot] of this.plots) plot.setSize({ width: this.widthOf(name), height: HEIGHT });
    }).observe(byId('charts'));
  }

  /** Theme changed: rebuild with the new colours. */
  recolor(): void {
    for (const plot of this.plots.values()) plot.destroy();
    this.plots.clear();
    this.create();
    if (this.last !== null) this.update(this.last);
  }

  update(stats: StatsMessage): void {
    this.last = stats;
    const s = stats.series;
    const x = s.invocations.map((_, i) => s.start + i);
    this.plots.get('latency')?.setData([x, s.p50, s.p95, s.p99, s.coldMs] as uPlot.AlignedData);
    this.plots.get('rate')?.setData([x, s.invocations, s.errors, s.throttles]);
    this.plots.get('instances')?.setData([x, s.busy, s.instances]);
    const { edges, counts } = stats.histogram;
    this.plots.get('histogram')?.setData([edges.slice(0, counts.length), counts]);
    byId('histogram-caption').textContent =
      `Latency histogram (the ${count(stats.overall.count)} invocations kept; last bar: slowest 1%)`;
  }

  private create(): void {
    const c = colors();
    for (const [name, build] of Object.entries(builds)) {
      const target = byId(`chart-${name}`);
      target.replaceChildren();
      this.plots.set(
        name,
        new uPlot(build(this.widthOf(name), c), [[], []] as unknown as uPlot.AlignedData, target),
      );
    }
  }

  private widthOf(name: string): number {
    return Math.max(240, byId(`chart-${name}`).clientWidth);
  }
}
