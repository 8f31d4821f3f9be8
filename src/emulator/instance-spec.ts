// What every instance's runtime process is started with: argv, the standard Lambda environment, working
// directory. Light on purpose (options only): the CLI computes it before loading the emulator (prestart.ts).
import type { ResolvedOptions } from './options.js';
import type { SpawnSpec } from './prestart.js';

export function instanceSpec(o: ResolvedOptions): SpawnSpec {
  return { command: o.bootstrap ?? o.runtimeCommand, env: instanceEnv(o), cwd: o.taskRoot };
}

/** The standard Lambda environment (AWS_LAMBDA_RUNTIME_API is added per instance). */
function instanceEnv(o: ResolvedOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  Object.assign(env, {
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memory),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(o.timeout),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]lambda-ml`,
    AWS_LAMBDA_INITIALIZATION_TYPE: o.warm > 0 ? 'provisioned-concurrency' : 'on-demand',
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
    LAMBDA_TASK_ROOT: o.taskRoot,
    _HANDLER: o.handler,
    TZ: ':UTC',
  });
  if (o.modelPath !== undefined) env.MODEL_PATH = o.modelPath;
  Object.assign(env, o.env);
  return env;
}
