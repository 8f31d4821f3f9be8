// The invocations table: only the rows in sight exist in the DOM (10,000 rows cost what 20 do), newest on top.
import type { InvocationSummary } from '../../src/console/wire.js';
import { h } from './dom.js';
import { clock, ms } from './format.js';
import type { Store } from './store.js';

const ROW_HEIGHT = 28;
const OVERSCAN = 6;
const COLUMNS = 9;

/** Status in words (colour only repeats it): "OK", "OK · 400", "Error · Runtime.ExitError". */
export function statusOf(r: InvocationSummary): { text: string; tone: 'ok' | 'warn' | 'err' } {
  if (!r.ok) return { text: `Error · ${r.errorType ?? 'Unhandled'}`, tone: 'err' };
  if (r.statusCode === null) return { text: 'OK', tone: 'ok' };
  return { text: `OK · ${r.statusCode}`, tone: r.statusCode >= 400 ? 'warn' : 'ok' };
}

export class InvocationTable {
  private readonly padTop: HTMLTableCellElement;
  private readonly padBottom: HTMLTableCellElement;
  private readonly bottomRow: HTMLTableRowElement;
  private rendered: HTMLTableRowElement[] = [];
  private selectedSeq: number | null = null;
  private frame = 0;
  onOpen: (r: InvocationSummary) => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly viewport: HTMLElement,
    private readonly body: HTMLTableSectionElement,
    private readonly empty: HTMLElement,
  ) {
    this.padTop = h('td', { colspan: COLUMNS });
    this.padBottom = h('td', { colspan: COLUMNS });
    this.bottomRow = h('tr', { class: 'pad', 'aria-hidden': 'true' }, this.padBottom);
    body.append(h('tr', { class: 'pad', 'aria-hidden': 'true' }, this.padTop), this.bottomRow);
    viewport.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(viewport);
    body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[data-seq]');
      if (row === null) return;
      this.select(Number(row.dataset.seq));
      const r = this.selected();
      if (r !== null) this.onOpen(r);
    });
  }

  /** The view grew by `added` rows at the top: keep what the user looks at in place unless they are at the top. */
  added(added: number): void {
    if (added > 0 && this.viewport.scrollTop > ROW_HEIGHT / 2) this.viewport.scrollTop += added * ROW_HEIGHT;
    this.render();
  }

  selected(): InvocationSummary | null {
    if (this.selectedSeq === null) return null;
    return this.store.view.find((r) => r.seq === this.selectedSeq) ?? null;
  }

  select(seq: number | null): void {
    this.selectedSeq = seq;
    this.render();
  }

  /** j/k: +1 is one row older (down), -1 one newer (up). */
  move(step: number): void {
    const { view } = this.store;
    if (view.length === 0) return;
    const at = this.selectedSeq === null ? -1 : this.displayIndexOf(this.selectedSeq);
    const next = Math.max(0, Math.min(view.length - 1, at < 0 ? 0 : at + step));
    this.selectedSeq = (view[view.length - 1 - next] as InvocationSummary).seq;
    this.scrollTo(next);
    this.render();
  }

  schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Lays out the rows in sight (called for every batch; cost is independent of the buffer size). */
  render(): void {
    const { view } = this.store;
    const n = view.length;
    this.empty.hidden = this.store.rows.length > 0;
    const top = Math.max(0, this.viewport.scrollTop - ROW_HEIGHT);
    const height = this.viewport.clientHeight || 448;
    const first = Math.min(n, Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN));
    const last = Math.min(n, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const count = last - first;
    this.padTop.style.height = `${first * ROW_HEIGHT}px`;
    this.padBottom.style.height = `${(n - last) * ROW_HEIGHT}px`;
    while (this.rendered.length < count) {
      const row = this.newRow();
      this.body.insertBefore(row, this.bottomRow);
      this.rendered.push(row);
    }
    while (this.rendered.length > count) this.rendered.pop()?.remove();
    for (let i = 0; i < count; i++) {
      const r = view[n - 1 - (first + i)] as InvocationSummary;
      this.fill(this.rendered[i] as HTMLTableRowElement, r);
    }
  }

  private displayIndexOf(seq: number): number {
    const { view } = this.store;
    for (let i = view.length - 1; i >= 0; i--) {
      if ((view[i] as InvocationSummary).seq === seq) return view.length - 1 - i;
    }
    return -1;
  }

  private scrollTo(index: number): void {
    // The sticky header takes one row's height at the top of the viewport.
    const top = index * ROW_HEIGHT;
    const { scrollTop, clientHeight } = this.viewport;
    if (top < scrollTop) this.viewport.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > scrollTop + clientHeight)
      this.viewport.scrollTop = top + 2 * ROW_HEIGHT - clientHeight;
  }

  private newRow(): HTMLTableRowElement {
    const row = h('tr', { class: 'inv' });
    const classes = ['mono', 'mono', '', '', 'num', 'num', 'num', 'num', 'num'];
    for (const cls of classes) row.append(h('td', { class: cls || null }));
    return row;
  }

  private fill(row: HTMLTableRowElement, r: InvocationSummary): void {
    const selected = r.seq === this.selectedSeq;
    if (row.dataset.seq === String(r.seq) && row.dataset.sel === String(selected)) return;
    row.dataset.seq = String(r.seq);
    row.dataset.sel = String(selected);
    row.dataset.status = r.ok ? 'ok' : 'error';
    row.dataset.start = r.cold ? 'cold' : 'warm';
    if (selected) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
    const cells = row.cells;
    const status = statusOf(r);
    (cells[0] as HTMLElement).textContent = clock(r.time);
    const id = cells[1] as HTMLElement;
    id.textContent = r.requestId.slice(0, 8);
    id.title = r.requestId;
    setBadge(cells[2] as HTMLElement, status.text, status.tone);
    setBadge(cells[3] as HTMLElement, r.cold ? 'cold' : 'warm', r.cold ? 'cold' : 'plain');
    (cells[4] as HTMLElement).textContent = ms(r.durationMs);
    (cells[5] as HTMLElement).textContent = `${r.billedMs} ms`;
    (cells[6] as HTMLElement).textContent = ms(r.initDurationMs);
    (cells[7] as HTMLElement).textContent = `${r.memoryUsedMb}/${r.memoryMb} MB`;
    (cells[8] as HTMLElement).textContent = `#${r.instanceId}`;
  }
}

function setBadge(cell: HTMLElement, text: string, tone: string): void {
  let badge = cell.firstElementChild as HTMLElement | null;
  if (badge === null) {
    badge = h('span');
    cell.append(badge);
  }
  badge.className = `badge ${tone}`;
  badge.textContent = text;
  cell.title = text;
}
