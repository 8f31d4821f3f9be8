// Monthly cost of the always-on alternatives: one Fargate task and one EC2 instance of stated sizes.
import { type Architecture, EC2_INSTANCES, FARGATE_PRICES, FARGATE_TASK, HOURS_PER_MONTH } from './prices.js';

export interface AlwaysOnCost {
  readonly name: string;
  readonly size: string;
  readonly monthlyUsd: number;
}

export function fargateMonthlyCost(arch: Architecture): AlwaysOnCost {
  const price = FARGATE_PRICES[arch];
  const hourly = FARGATE_TASK.vcpu * price.vcpuHour + FARGATE_TASK.memoryGb * price.gbHour;
  return {
    name: 'Fargate task',
    size: `${FARGATE_TASK.vcpu} vCPU, ${FARGATE_TASK.memoryGb} GB, Linux/${arch === 'arm64' ? 'ARM' : 'X86'}`,
    monthlyUsd: hourly * HOURS_PER_MONTH,
  };
}

export function ec2MonthlyCost(arch: Architecture): AlwaysOnCost {
  const instance = EC2_INSTANCES[arch];
  return { name: 'EC2 instance', size: instance.type, monthlyUsd: instance.usdPerHour * HOURS_PER_MONTH };
}
