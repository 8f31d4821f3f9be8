// Runs the benchmark scripts under bench/ one after another (all of them, or those whose name contains
// an argument: `npm run bench -- model emulator`). Each script prints its own figures next to a
// baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const scripts = readdirSync('bench')
  .filter((name) => /\.(ts|mjs)$/.test(name) && !/(^_|[-.](common|lib|helpers?)\.)/.test(name))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();
if (scripts.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}; available: ${readdirSync('bench').join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const name of scripts) {
  console.log(`\n=== bench/${name}`);
  const args = name.endsWith('.ts') ? ['--import', 'tsx', join('bench', name)] : [join('bench', name)];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
