// `lambda-ml start` (what `npm start` runs): train the default model when missing or stale, then serve it locally.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { optionsFromRaw } from '../../emulator/options.js';
import { addConsoleOptions, attachConsole, type ConsoleFlags, checkConsoleFlags } from '../console.js';
import { ensureModel } from '../ensure-model.js';
import { readJsonConfig } from '../files.js';
import { announce, DEFAULT_CONFIG, DEFAULT_MODEL, serveFunction } from '../serving.js';

interface StartFlags extends ConsoleFlags {
  readonly config: string;
  readonly model: string;
  readonly port?: string;
  readonly host?: string;
}

const TUTORIAL_REQUEST = '{"data": [0,0,0,0]}';

export function registerStart(program: Command): void {
  const command = program
    .command('start')
    .description('train the default model if it is missing or stale, then serve it on the local emulator')
    .option('--config <file>', 'training config (scikit-learn parameter names)', DEFAULT_CONFIG)
    .option('--model <file>', 'where the trained model artifact is kept', DEFAULT_MODEL)
    .option('--port <port>', 'port to listen on, 0 = any free one (env PORT; default 9000)')
    .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)');
  addConsoleOptions(command).action(async (flags: StartFlags) => {
    checkConsoleFlags(flags);
    const configPath = resolve(flags.config);
    const modelPath = resolve(flags.model);
    const config = readJsonConfig(configPath);
    process.stderr.write(`${await ensureModel(config, dirname(configPath), modelPath)}\n`);
    const options = optionsFromRaw({ port: flags.port, host: flags.host, model: modelPath });
    const { emulator, beside } = await serveFunction(options, { failFast: true, modelPath }, (started) =>
      attachConsole(started, flags, modelPath),
    );
    const invokeUrl = `${emulator.url}/2015-03-31/functions/function/invocations`;
    // One write, so whoever waits for the URL also sees the example and the console.
    announce(
      emulator,
      options.functionName ?? 'lambda-ml',
      `try it:\n  curl -X POST "${invokeUrl}" -d '${TUTORIAL_REQUEST}'\n${beside.line}`,
    );
  });
}
