import type { Model } from '../model.js';
import { kv } from './kv.js';
import { casRegister, register } from './register.js';

/** The models `--model` can name. */
export const models = {
  register,
  'cas-register': casRegister,
  kv,
} as const satisfies Record<string, Model>;

export type ModelName = keyof typeof models;

export const modelNames = Object.keys(models) as ModelName[];

export { casRegister, kv, register };
