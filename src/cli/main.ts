#!/usr/bin/env node
// The `lambda-ml` command: wires each subcommand module into one commander program.
import type { Command } from 'commander';
import { startEarly } from './early-start.js';

// `serve`/`start`: their first instance's runtime starts now, while the rest of the CLI loads.
startEarly(process.argv.slice(2));

const { Command: CommandClass, CommanderError } = await import('commander');
const { describeError } = await import('../core/errors.js');
const { VERSION } = await import('../core/version.js');

type Register = (program: Command) => void;

/**
 * Subcommands, one module each under ./commands, in help order. They are imported on demand: a run
 * loads only the module of the command it names (the others pull in the model trainer, the pickle
 * reader, the emulator... and would add a few hundred ms to every start), and all of them only for
 * top-level help, version or an unknown command.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  start: async () => (await import('./commands/start.js')).registerStart,
  train: async () => (await import('./commands/train.js')).registerTrain,
  predict: async () => (await import('./commands/predict.js')).registerPredict,
  'batch-submit': async () => (await import('./commands/batch-submit.js')).registerBatchSubmit,
  dataset: async () => (await import('./commands/dataset.js')).registerDataset,
  convert: async () => (await import('./commands/convert.js')).registerConvert,
  describe: async () => (await import('./commands/describe.js')).registerDescribe,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  runtime: async () => (await import('./commands/runtime.js')).registerRuntime,
  bench: async () => (await import('./commands/bench.js')).registerBench,
  invoke: async () => (await import('./commands/invoke.js')).registerInvoke,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  bootstrap: async () => (await import('./commands/bootstrap.js')).registerBootstrap,
  synth: async () => (await import('./commands/synth.js')).registerSynth,
  deploy: async () => (await import('./commands/deploy.js')).registerDeploy,
  cost: async () => (await import('./commands/cost.js')).registerCost,
};

/** The program with the subcommand `argv` names registered, or every subcommand when it names none. */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new CommandClass('lambda-ml')
    .description('Train scikit-learn-exact models in TypeScript and serve them as AWS Lambda functions.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  const named = argv.find((arg) => !arg.startsWith('-'));
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  const registers = await Promise.all(wanted.map((name) => (COMMANDS[name] as () => Promise<Register>)()));
  for (const register of registers) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`lambda-ml: ${describeError(error)}\n`);
    return 1;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
