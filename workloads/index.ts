import { casRegister } from './cas-register.js';
import { register } from './register.js';
import { uniqueWrites } from './unique-writes.js';
import type { Workload } from './workload.js';

export const workloads: Record<string, Workload> = {
  [register.name]: register,
  [uniqueWrites.name]: uniqueWrites,
  [casRegister.name]: casRegister,
};

export const workloadNames: readonly string[] = Object.keys(workloads);

export type { Workload, OpRequest } from './workload.js';
