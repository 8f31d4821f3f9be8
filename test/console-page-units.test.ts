// The page's pure parts under Node: curl commands (shell quoting), the try-it form from a model description.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { functionUrlCurl, invokeCurl, shellQuote } from '../console/src/curl.js';
import { ms, usd } from '../console/src/format.js';
import { buildPayload, defaultValues, formOf, valuesFromPayload } from '../console/src/schema-form.js';
import type { ModelDescription } from '../src/model/describe.js';

const INVOKE = 'http://127.0.0.1:9000/2015-03-31/functions/function/invocations';

describe('copy as curl', () => {
  it('quotes anything for a POSIX shell (the shell gets back exactly the payload)', () => {
    const payload = `{"data":["it's", "a \\"quote\\"", "$HOME", "\`x\`"]}`;
    const echoed = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(payload)}`], { encoding: 'utf8' });
    assert.equal(echoed, payload);
  });

  it('writes the tutorial curl for the Invoke API', () => {
    assert.equal(
      invokeCurl(INVOKE, '{"data":[0,0,0,0]}'),
      `curl -X POST '${INVOKE}' -d '{"data":[0,0,0,0]}'`,
    );
  });

  it('writes a Function URL call: the payload as body, or the path, method and body of a URL event', () => {
    assert.equal(
      functionUrlCurl('http://127.0.0.1:9000/', '{"data":[0,0,0,0]}'),
      `curl -X POST 'http://127.0.0.1:9000/' -H 'content-type: application/json' -d '{"data":[0,0,0,0]}'`,
    );
    const event = JSON.stringify({
      version: '2.0',
      rawPath: '/predict',
      rawQueryString: 'a=1',
      requestContext: { http: { method: 'PUT' } },
      body: '{"data":[1,2,3,4]}',
    });
    assert.equal(
      functionUrlCurl('http://127.0.0.1:9000/', event),
      `curl -X PUT 'http://127.0.0.1:9000/predict?a=1' -H 'content-type: application/json' -d '{"data":[1,2,3,4]}'`,
    );
  });
});

const positional: ModelDescription = {
  kind: 'RandomForestClassifier',
  task: 'classification',
  steps: ['RandomForestClassifier'],
  features: Array.from({ length: 4 }, () => ({ name: null, kind: 'number' as const, missing: false })),
  named: false,
  classes: [0, 1],
  probabilities: true,
  example: { data: [0, 0, 0, 0] },
};

const named: ModelDescription = {
  ...positional,
  steps: ['ColumnTransformer', 'LogisticRegression'],
  named: true,
  features: [
    { name: 'age', kind: 'number', missing: true },
    { name: 'city', kind: 'category', categories: ['Paris', 'Oslo'], missing: false, unknown: 'refused' },
    { name: 'code', kind: 'category', categories: [3, 7], missing: false, unknown: 'accepted' },
  ],
  example: { data: { age: 0, city: 'Paris', code: 3 } },
};

describe('try-it form', () => {
  it("starts from the tutorial's request for a positional model", () => {
    const form = formOf(positional);
    assert.deepEqual(
      form.fields.map((f) => f.label),
      ['feature 0', 'feature 1', 'feature 2', 'feature 3'],
    );
    assert.deepEqual(buildPayload(form, defaultValues(form), false), { payload: '{"data":[0,0,0,0]}' });
    assert.deepEqual(buildPayload(form, ['1', '2.5', '-3', '1e3'], true), {
      payload: '{"data":[1,2.5,-3,1000],"probabilities":true}',
    });
  });

  it('names what is wrong with a field instead of sending it', () => {
    const form = formOf(positional);
    assert.deepEqual(buildPayload(form, ['1', 'abc', '0', '0'], false), {
      error: "feature 1 is 'abc'; expected a number",
    });
    assert.deepEqual(buildPayload(form, ['1', '', '0', '0'], false), {
      error: 'feature 1 is empty; the model needs a value',
    });
  });

  it('sends rows by name with categories in their own type, missing values as null', () => {
    const form = formOf(named);
    assert.deepEqual(defaultValues(form), ['0', 'Paris', '3']);
    assert.deepEqual(buildPayload(form, ['', 'Oslo', '9'], false), {
      payload: '{"data":{"age":null,"city":"Oslo","code":9}}',
    });
    assert.deepEqual(buildPayload(form, ['1', 'Rome', '3'], false), {
      error: 'city must be one of Paris, Oslo',
    });
  });

  it('sends a column the model drops as typed, number or string, empty as null', () => {
    const form = formOf({
      ...named,
      features: [...named.features, { name: 'note', kind: 'ignored', missing: true }],
    });
    assert.deepEqual(buildPayload(form, ['1', 'Oslo', '3', 'free text'], false), {
      payload: '{"data":{"age":1,"city":"Oslo","code":3,"note":"free text"}}',
    });
    assert.deepEqual(buildPayload(form, ['1', 'Oslo', '3', '42'], false), {
      payload: '{"data":{"age":1,"city":"Oslo","code":3,"note":42}}',
    });
    assert.deepEqual(buildPayload(form, ['1', 'Oslo', '3', ''], false), {
      payload: '{"data":{"age":1,"city":"Oslo","code":3,"note":null}}',
    });
  });

  it('reads an edited event back into the fields, by position or by name', () => {
    assert.deepEqual(valuesFromPayload(formOf(positional), '{"data":[1,2,3,4],"probabilities":true}'), {
      values: ['1', '2', '3', '4'],
      probabilities: true,
    });
    assert.equal(valuesFromPayload(formOf(positional), '{"data":[[1,2,3,4]]}'), null);
    assert.equal(valuesFromPayload(formOf(positional), '{"data":[1,2]}'), null);
    assert.equal(valuesFromPayload(formOf(positional), '{"data":'), null);
    assert.deepEqual(valuesFromPayload(formOf(named), '{"data":{"age":null,"city":"Oslo","code":7}}'), {
      values: ['', 'Oslo', '7'],
      probabilities: false,
    });
  });
});

describe('page formats', () => {
  it('prints durations and money the way the tiles show them', () => {
    assert.equal(ms(1.234), '1.23 ms');
    assert.equal(ms(123.4), '123 ms');
    assert.equal(ms(2500), '2.50 s');
    assert.equal(ms(null), '–');
    assert.equal(usd(1234.5), '$1,234.50');
    assert.equal(usd(0.004), '$0.0040');
  });
});
