import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { stackFlags } from '../lib/config/flags.js';
import { checkOutputFile } from '../lib/config/output-paths.js';
import { jobFlags, jobOverrides } from '../lib/config/job-flags.js';
import { mergeJobSettings, resolveStackConfig } from '../lib/config/stack-config.js';
import { composeStack, type ComposeResult } from '../lib/runtime/docker/compose-file.js';

export default class Compose extends BaseCommand {
  static override summary =
    'Print or write a docker-compose file of the stack `up --runtime docker` would start';

  static override description = `Every service is made from the container the docker runtime creates for the same flags (command, environment, memory limit, volumes, ports), plus two one-shots that do what the CLI does itself: \`topic\` creates the Kafka topic and \`flink-submit\` submits the Flink job through the JobManager's REST API. The database password is the secret postgres.password next to the file; the images are built from compose/ (context relative to the file). compose/docker-compose.yml is this command's output for the defaults. \`run\` and \`sweep\` measure, and \`compare\` compares, only stacks that \`crypto-bench up\` started, never a compose stack.`;

  static override examples = [
    '<%= config.bin %> compose --output compose/docker-compose.yml',
    '<%= config.bin %> compose --network host --port-base 29092 --output /var/tmp/cb/docker-compose.yml',
    '<%= config.bin %> compose --engines flink,baseline --no-gold > docker-compose.yml',
    '<%= config.bin %> compose --taskmanagers 2 --spark-workers 2 --parallelism flink=2 --output docker-compose.yml',
    '<%= config.bin %> compose --trigger 5s --buffer-timeout 10ms --output docker-compose.yml',
  ];

  static override flags = {
    'port-base': stackFlags['port-base'],
    'kafka-port': stackFlags['kafka-port'],
    'postgres-port': stackFlags['postgres-port'],
    'spark-ui-port': stackFlags['spark-ui-port'],
    'flink-ui-port': stackFlags['flink-ui-port'],
    engines: stackFlags.engines,
    gold: stackFlags.gold,
    network: stackFlags.network,
    cpus: stackFlags.cpus,
    taskmanagers: stackFlags.taskmanagers,
    'spark-workers': stackFlags['spark-workers'],
    'base-image': stackFlags['base-image'],
    ...jobFlags,
    output: Flags.string({
      char: 'o',
      description:
        'Write the file here instead of printing it (printed, its paths are relative to the current directory)',
      helpValue: '<file>',
    }),
  };

  async run(): Promise<ComposeResult> {
    const { flags } = await this.parse(Compose);
    if (flags.output !== undefined) checkOutputFile('--output', flags.output);
    const resolved = resolveStackConfig({ ...flags, runtime: 'docker' });
    const config = { ...resolved, jobs: mergeJobSettings(resolved.jobs, jobOverrides(flags)) };
    const result = composeStack(config, { output: flags.output, cwd: process.cwd() });
    if (result.yaml !== undefined) this.log(result.yaml.trimEnd());
    else this.logToStderr(`Wrote ${result.file} (${result.services.join(', ')}).`);
    return result;
  }
}
