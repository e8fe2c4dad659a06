import { BaseCommand } from '../lib/base-command.js';
import { stateDirFlag } from '../lib/config/flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { superviseStack } from '../lib/runtime/local/supervisor.js';

export default class Supervise extends BaseCommand {
  static override hidden = true;

  static override summary =
    "The local stack's supervisor: restarts services that exit unexpectedly (started by `up`, stopped by `down`)";

  static override flags = { 'state-dir': stateDirFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Supervise);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    const controller = new AbortController();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort());
    await superviseStack(stateDir, controller.signal);
  }
}
