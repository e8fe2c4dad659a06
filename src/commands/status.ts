import { BaseCommand } from '../lib/base-command.js';
import { stateDirFlag } from '../lib/config/flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { renderStatus } from '../lib/render/stack.js';
import { stackStatus, type StackStatus } from '../lib/runtime/local-status.js';

export default class Status extends BaseCommand {
  static override summary = 'Show each service: pid, port, health, version, memory and log file';

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  static override flags = { 'state-dir': stateDirFlag };

  async run(): Promise<StackStatus> {
    const { flags } = await this.parse(Status);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    const status = await stackStatus(stateDir);
    this.log(renderStatus(status));
    return status;
  }
}
