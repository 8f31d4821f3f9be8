#!/usr/bin/env node
// The `lambda-ml` command: wires each subcommand module into one commander program.
import { Command, CommanderError } from 'commander';
import { describeError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { registerBench } from './commands/bench.js';
import { registerConvert } from './commands/convert.js';
import { registerCost } from './commands/cost.js';
import { registerDataset } from './commands/dataset.js';
import { registerDeploy } from './commands/deploy.js';
import { registerInvoke } from './commands/invoke.js';
import { registerPredict } from './commands/predict.js';
import { registerRuntime } from './commands/runtime.js';
import { registerServe } from './commands/serve.js';
import { registerStart } from './commands/start.js';
import { registerSynth } from './commands/synth.js';
import { registerTrain } from './commands/train.js';

// Subcommands: one module each under ./commands, registered in this list (keep one import per line).
const registrations: Array<(program: Command) => void> = [
  registerStart,
  registerConvert,
  registerServe,
  registerBench,
  registerSynth,
  registerDeploy,
  registerInvoke,
  registerCost,
  registerTrain,
  registerPredict,
  registerDataset,
  registerRuntime,
];

export function buildProgram(): Command {
  const program = new Command('lambda-ml')
    .description('Train scikit-learn-exact models in TypeScript and serve them as AWS Lambda functions.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const register of registrations) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`lambda-ml: ${describeError(error)}\n`);
    return 1;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
