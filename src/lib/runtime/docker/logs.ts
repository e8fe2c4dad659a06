import { UsageError } from '../../errors.js';
import type { StackState } from '../state.js';
import { connectDocker } from './client.js';
import { tailContainer } from './containers.js';
import { unitOf } from './scale.js';

/**
 * The last lines a service's containers logged: `spark` shows master, worker(s) and driver one after the
 * other, `spark-worker` every worker, `spark-worker-2` only that one.
 */
export async function dockerLogs(state: StackState, service: string, lines: number): Promise<string> {
  const containers = (state.docker?.containers ?? []).filter(
    (c) => c.role === service || c.service === service || unitOf(c) === service,
  );
  if (containers.length === 0) {
    const known = [
      ...new Set((state.docker?.containers ?? []).flatMap((c) => [c.service, c.role, unitOf(c)])),
    ];
    throw new UsageError(`No container of "${service}" runs in ${state.config.stateDir}`, {
      suggestions: [`Choose from ${known.join(', ')}`],
    });
  }
  const docker = await connectDocker();
  const parts: string[] = [];
  for (const container of containers) {
    const log = await tailContainer(docker, container.name, lines);
    parts.push(containers.length > 1 ? `== ${unitOf(container)} (${container.name}) ==\n${log}` : log);
  }
  return parts.join('\n\n');
}
