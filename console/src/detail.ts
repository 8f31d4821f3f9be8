// One invocation opened: its figures, request, response and own log lines; replay it or copy it as curl.
import type {
  ConsoleInfo,
  InvocationDetail,
  InvocationSummary,
  InvokeReply,
} from '../../src/console/wire.js';
import { getJson, postJson } from './api.js';
import { functionUrlCurl, invokeCurl } from './curl.js';
import { byId, copyText, h, toast } from './dom.js';
import { bytes, clock, ms, prettyJson } from './format.js';
import { statusOf } from './table.js';

export class DetailPanel {
  private readonly panel = byId('detail');
  private readonly body = byId('detail-body');
  private current: number | null = null;
  /** A replay's request id: when its row arrives, it opens. */
  awaiting: string | null = null;
  onClose: () => void = () => {};

  constructor(private readonly info: ConsoleInfo) {
    byId('detail-close').addEventListener('click', () => this.close());
  }

  get open(): boolean {
    return !this.panel.hidden;
  }

  async show(summary: InvocationSummary): Promise<void> {
    this.current = summary.seq;
    this.panel.hidden = false;
    byId('detail-title').textContent = `Invocation ${summary.requestId.slice(0, 8)}`;
    this.body.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    let detail: InvocationDetail;
    try {
      detail = await getJson<InvocationDetail>(`/api/invocations/${summary.seq}`);
    } catch (error) {
      this.body.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
      return;
    }
    if (this.current === summary.seq) this.render(detail);
  }

  close(): void {
    this.panel.hidden = true;
    this.current = null;
    this.onClose();
  }

  private render(d: InvocationDetail): void {
    const status = statusOf(d);
    const fields: [string, string][] = [
      ['Request id', d.requestId],
      ['Time', `${new Date(d.time).toLocaleDateString()} ${clock(d.time)}`],
      ['Status', status.text],
      ['Start', d.cold ? `cold (init ${ms(d.initDurationMs)})` : 'warm'],
      ['Duration', ms(d.durationMs)],
      ['Billed duration', `${d.billedMs} ms`],
      ['Memory used', `${d.memoryUsedMb} of ${d.memoryMb} MB`],
      ['Instance', `#${d.instanceId}`],
      ['Sizes', `request ${bytes(d.requestBytes)}, response ${bytes(d.responseBytes)}`],
    ];
    const dl = h('dl');
    for (const [k, v] of fields) dl.append(h('dt', {}, k), h('dd', {}, v));
    const cut = (truncated: boolean, size: number) =>
      truncated
        ? h('p', { class: 'muted' }, `(first ${bytes(this.info.bodyLimit)} of ${bytes(size)} shown)`)
        : null;
    const replay = h('button', { type: 'button', class: 'primary', id: 'replay' }, 'Replay');
    replay.disabled = d.requestTruncated;
    if (d.requestTruncated) replay.title = 'the request was larger than the console keeps';
    replay.addEventListener('click', () => void this.replay(d, replay));
    const copyInvoke = h('button', { type: 'button', class: 'ghost' }, 'Copy as curl');
    copyInvoke.addEventListener(
      'click',
      () => void copyText(invokeCurl(this.info.invokeUrl, d.request), 'curl command'),
    );
    const copyUrl = h('button', { type: 'button', class: 'ghost' }, 'Copy as curl (Function URL)');
    copyUrl.addEventListener(
      'click',
      () => void copyText(functionUrlCurl(this.info.functionUrlBase, d.request), 'curl command'),
    );
    const curlNote = this.info.functionUrl ? '' : ' (Function URL form needs serve --function-url)';
    const parts: (Node | null)[] = [
      dl,
      h('div', { class: 'actions' }, replay, copyInvoke, copyUrl),
      h('h3', {}, 'Request'),
      h('pre', { id: 'detail-request' }, prettyJson(d.request)),
      cut(d.requestTruncated, d.requestBytes),
      h('h3', {}, 'Response'),
      h('pre', { id: 'detail-response' }, prettyJson(d.response)),
      cut(d.responseTruncated, d.responseBytes),
      h('h3', {}, 'Log'),
      h('pre', { class: 'log', id: 'detail-log' }, d.log),
      h(
        'details',
        {},
        h('summary', {}, `curl${curlNote}`),
        h('pre', { id: 'detail-curl' }, invokeCurl(this.info.invokeUrl, d.request)),
      ),
    ];
    this.body.replaceChildren(...parts.filter((p): p is Node => p !== null));
  }

  private async replay(d: InvocationDetail, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const reply = await postJson<InvokeReply>(`/api/invocations/${d.seq}/replay`);
      this.awaiting = reply.requestId;
      toast(
        `Replayed: HTTP ${reply.status}${reply.functionError === null ? '' : ' (function error)'} in ${ms(reply.elapsedMs)}`,
      );
    } catch (error) {
      toast(`Replay failed: ${(error as Error).message}`);
    } finally {
      button.disabled = false;
    }
  }
}
