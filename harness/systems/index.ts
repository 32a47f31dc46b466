/** Every system the harness can test, by the name `--system` takes. */
import { UsageError } from '../shared/usage-error.js';
import { command } from './command/index.js';
import { etcd } from './etcd/index.js';
import { godist } from './godist/index.js';
import type { SystemUnderTest } from './types.js';

export const systems: Record<string, SystemUnderTest> = {
  [godist.name]: godist as unknown as SystemUnderTest,
  [command.name]: command as unknown as SystemUnderTest,
  [etcd.name]: etcd as unknown as SystemUnderTest,
};

export const systemNames: readonly string[] = Object.keys(systems);

export function systemNamed(name: string): SystemUnderTest {
  const system = systems[name];
  if (!system) throw new UsageError(`unknown system "${name}" for --system (known: ${systemNames.join(', ')})`);
  return system;
}
