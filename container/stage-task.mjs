// Image build step: copies into the task root only the compiled files reachable from the runtime client,
// emulator and prediction function, proves none of them needs an npm package, and adds the model.
// Usage: node container/stage-task.mjs --dist dist --model model.json --out /out/task [--expect-sha256 HEX]
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ENTRIES = ['runtime/main.js', 'emulator/main.js', 'function/handler.js'];
// Static `import ... from '...'`, `export ... from '...'`, `import '...'` and literal `import('...')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function fail(message) {
  process.stderr.write(`stage-task: ${message}\n`);
  process.exit(1);
}

/** Every file reachable from the entries through relative imports; bare specifiers must be builtins. */
function closure(dist) {
  const seen = new Set();
  const queue = ENTRIES.map((entry) => {
    const path = resolve(dist, entry);
    if (!existsSync(path)) fail(`${entry} is missing from ${dist}: the image needs it (was it built?)`);
    return path;
  });
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(`${resolve(dist)}/`) || !existsSync(target)) {
          fail(`${relative(dist, file)} imports ${spec}, which is not a compiled file under ${dist}`);
        }
        queue.push(target);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        fail(
          `${relative(dist, file)} imports the npm package '${spec}': the function image has no node_modules`,
        );
      }
    }
  }
  return [...seen].sort();
}

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    model: { type: 'string' },
    out: { type: 'string' },
    'expect-sha256': { type: 'string', default: '' },
  },
});
if (!values.model || !values.out) fail('--model and --out are required');
if (!existsSync(values.model)) fail(`trained model ${values.model} is missing`);

const dist = resolve(values.dist);
const files = closure(dist);
for (const file of files) {
  const target = join(values.out, relative(dist, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  chmodSync(target, 0o644);
}
// The compiled files are ES modules; Node needs the nearest package.json to say so.
writeFileSync(join(values.out, 'package.json'), '{ "type": "module" }\n');

const model = readFileSync(values.model);
const sha256 = createHash('sha256').update(model).digest('hex');
const expected = values['expect-sha256'].trim().toLowerCase();
if (expected !== '' && expected !== sha256) {
  fail(
    `the model trained in the image has sha256 ${sha256}, but MODEL_SHA256 is ${expected}: training is not reproducible`,
  );
}
writeFileSync(join(values.out, 'model.json'), model);
writeFileSync(join(values.out, 'model.json.sha256'), `${sha256}  model.json\n`);
process.stdout.write(`stage-task: ${files.length} files, model sha256 ${sha256}\n`);
