import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { stateDirFlag } from '../lib/config/flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { UsageError } from '../lib/errors.js';
import { confirm } from '../lib/render/prompt.js';
import { renderDown } from '../lib/render/stack.js';
import { downStack } from '../lib/runtime/stack.js';
import type { DownResult } from '../lib/runtime/types.js';

export default class Down extends BaseCommand {
  static override summary = 'Stop the stack; --volumes also deletes its data';

  static override description =
    'Stops exactly the processes `up` started in this state directory, and nothing else. Safe to run twice, and when parts already died. Data (database, Kafka log, checkpoints, logs) stays unless --volumes, which asks first on a terminal.';

  static override examples = ['<%= config.bin %> down', '<%= config.bin %> down --volumes --yes'];

  static override flags = {
    'state-dir': stateDirFlag,
    volumes: Flags.boolean({ description: 'Also delete the database, Kafka data, checkpoints and logs' }),
    yes: Flags.boolean({ char: 'y', description: 'Do not ask before deleting data' }),
  };

  async run(): Promise<DownResult> {
    const { flags } = await this.parse(Down);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    if (flags.volumes && !flags.yes) {
      if (!process.stdin.isTTY || this.jsonEnabled()) {
        throw new UsageError('--volumes deletes data, and there is no terminal to ask for confirmation', {
          suggestions: ['Add --yes to confirm'],
        });
      }
      if (!(await confirm(`Delete all data in ${stateDir}?`))) this.exit(1);
    }
    const result = await downStack(stateDir, { volumes: flags.volumes });
    this.log(renderDown(result));
    return result;
  }
}
