import { downAirflow, type AirflowDownResult } from '../../lib/airflow/status.js';
import { BaseCommand } from '../../lib/base-command.js';
import { stateDirFlag } from '../../lib/config/flags.js';
import { resolveStackConfig } from '../../lib/config/stack-config.js';
import { renderAirflowDown } from '../../lib/render/airflow.js';

export default class AirflowDown extends BaseCommand {
  static override summary = "Stop Airflow's processes, leaving the stack running";

  static override description =
    'Stops exactly the Airflow processes `airflow up` started for this state directory. Its metadata database and task logs stay. Safe to run twice.';

  static override examples = ['<%= config.bin %> airflow down'];

  static override flags = { 'state-dir': stateDirFlag };

  async run(): Promise<AirflowDownResult> {
    const { flags } = await this.parse(AirflowDown);
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    const result = await downAirflow(stateDir);
    this.log(renderAirflowDown(result));
    return result;
  }
}
