import { ensureAirflow, installLog, type AirflowInstall } from '../../lib/airflow/install.js';
import { AIRFLOW_REQUIREMENT } from '../../lib/airflow/settings.js';
import { BaseCommand } from '../../lib/base-command.js';
import { note } from '../../lib/render/progress.js';

export default class AirflowInstallCommand extends BaseCommand {
  static override summary =
    'Install Airflow from PyPI into the cached virtual environment (what `airflow up` does first)';

  static override description = `Creates a virtual environment with python3 (or CRYPTO_BENCH_PYTHON) in the cache directory (CRYPTO_BENCH_CACHE_DIR, else $XDG_CACHE_HOME/crypto-bench, else ~/.cache/crypto-bench), one per hash of airflow/constraints.txt, and installs ${AIRFLOW_REQUIREMENT} into it with pip -c airflow/constraints.txt. Does nothing when it is there. CI runs it before the tests and caches that directory.`;

  static override examples = [
    '<%= config.bin %> airflow install',
    'CRYPTO_BENCH_CACHE_DIR=/var/cache/cb <%= config.bin %> airflow install',
  ];

  async run(): Promise<AirflowInstall> {
    await this.parse(AirflowInstallCommand);
    const options = this.progress();
    const install = await ensureAirflow((line) => note(`  ${line}`, options));
    this.log(
      install.installMs === undefined
        ? `Airflow is installed in ${install.venv} (cached).`
        : `Installed Airflow in ${(install.installMs / 1000).toFixed(0)} s into ${install.venv} (pip's output: ${installLog(install.venv)}).`,
    );
    return install;
  }
}
