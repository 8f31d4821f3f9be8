// Try it: a form built from the model's input schema plus a raw JSON editor; send, see the answer and the log.
import type { ConsoleInfo, InvokeReply, SchemaReply } from '../../src/console/wire.js';
import { getJson, postJson } from './api.js';
import { functionUrlCurl, invokeCurl } from './curl.js';
import { byId, copyText, h } from './dom.js';
import { ms, prettyJson } from './format.js';
import { buildPayload, defaultValues, type Form, formOf, valuesFromPayload } from './schema-form.js';

export class TryIt {
  private form: Form = { fields: [], named: false };
  private inputs: (HTMLInputElement | HTMLSelectElement)[] = [];
  private readonly payload = byId<HTMLTextAreaElement>('payload');
  private readonly error = byId('payload-error');
  private readonly probabilities = byId<HTMLInputElement>('probabilities');

  constructor(private readonly info: ConsoleInfo) {
    byId('try-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.payload.addEventListener('input', () => this.fromJson());
    this.probabilities.addEventListener('change', () => this.fromForm());
    byId('copy-invoke').addEventListener(
      'click',
      () => void copyText(invokeCurl(info.invokeUrl, this.payload.value), 'curl command'),
    );
    byId('copy-url').addEventListener(
      'click',
      () => void copyText(functionUrlCurl(info.functionUrlBase, this.payload.value), 'curl command'),
    );
    if (!info.functionUrl)
      byId('copy-url').title = 'Function URL requests need lambda-ml serve --function-url';
  }

  async load(): Promise<void> {
    const reply = await getJson<SchemaReply>('/api/schema').catch(
      (error: Error): SchemaReply => ({ description: null, error: error.message }),
    );
    const fieldset = byId('fields');
    if (reply.description === null) {
      fieldset.hidden = true;
      this.probabilities.parentElement?.setAttribute('hidden', '');
      byId('schema-line').textContent = `${reply.error}; write the event as JSON below.`;
      this.payload.value = '{}';
      return;
    }
    const d = reply.description;
    this.form = formOf(d);
    if (!d.probabilities) this.probabilities.parentElement?.setAttribute('hidden', '');
    const output =
      d.classes === null ? 'a number' : `one of ${d.classes.map((c) => JSON.stringify(c)).join(', ')}`;
    byId('schema-line').textContent =
      `${this.info.model ?? 'model'}: ${d.steps.join(' → ')}, ${d.features.length} features${d.named ? ' by name' : ' by position (no feature names)'}; answers ${output}`;
    const values = defaultValues(this.form);
    this.inputs = this.form.fields.map((field, i) => {
      const id = `feature-${i}`;
      const input =
        field.kind === 'category' && !field.open
          ? h(
              'select',
              { id, name: field.name ?? id },
              ...(field.optional ? [h('option', { value: '' }, '(missing)')] : []),
              ...field.choices.map((c) => h('option', { value: String(c) }, String(c))),
            )
          : h('input', {
              id,
              name: field.name ?? id,
              type: 'text',
              inputmode: field.kind === 'number' ? 'decimal' : null,
              autocomplete: 'off',
              list: field.kind === 'category' ? `${id}-choices` : null,
              placeholder: field.optional ? 'empty = missing' : '',
            });
      input.value = values[i] ?? '';
      input.addEventListener('input', () => this.fromForm());
      const label =
        field.kind === 'category'
          ? `${field.label} (category)`
          : field.kind === 'ignored'
            ? `${field.label} (not used by the model)`
            : field.label;
      const choices =
        field.kind === 'category' && field.open
          ? h(
              'datalist',
              { id: `${id}-choices` },
              ...field.choices.map((c) => h('option', { value: String(c) })),
            )
          : null;
      fieldset.append(h('label', { for: id }, label, input, choices));
      return input;
    });
    this.fromForm();
  }

  private fromForm(): void {
    const built = buildPayload(
      this.form,
      this.inputs.map((i) => i.value),
      this.probabilities.checked,
    );
    if ('error' in built) {
      this.error.textContent = built.error;
      return;
    }
    this.error.textContent = '';
    this.payload.value = built.payload;
  }

  private fromJson(): void {
    try {
      JSON.parse(this.payload.value);
    } catch (error) {
      this.error.textContent = `Not JSON yet: ${(error as Error).message}`;
      return;
    }
    this.error.textContent = '';
    const read = valuesFromPayload(this.form, this.payload.value);
    if (read === null) return;
    read.values.forEach((v, i) => {
      const input = this.inputs[i];
      if (input !== undefined) input.value = v;
    });
    this.probabilities.checked = read.probabilities;
  }

  private async send(): Promise<void> {
    const button = byId<HTMLButtonElement>('send');
    const status = byId('answer-status');
    button.disabled = true;
    status.textContent = 'Sending…';
    try {
      const reply = await postJson<InvokeReply>('/api/invoke', { payload: this.payload.value });
      const outcome = reply.functionError === null ? '' : ` · function error (${reply.functionError})`;
      status.textContent = `HTTP ${reply.status}${outcome} · ${ms(reply.elapsedMs)} round trip · request ${reply.requestId ?? '–'}`;
      byId('answer-body').textContent = prettyJson(reply.body);
      byId('answer-log').textContent = reply.log;
    } catch (error) {
      status.textContent = `Not sent: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  }
}
