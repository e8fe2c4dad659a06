import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { checkOutputFile } from '../lib/config/output-paths.js';
import { writeReport, type ReportResult } from '../lib/bench/report.js';

export default class Report extends BaseCommand {
  static override summary =
    'Write an HTML report of runs or a sweep: latency CDF, latency and throughput over time, sweep curves';

  static override description = `One self-contained HTML file (no script, nothing fetched), so it opens anywhere and can be attached as it is. With no id: the newest run, or the whole sweep when that run was a point of one. One run: its figures table (as \`compare\`), the end-to-end latency CDF of every engine, p50/p99, committed rate against the offered rate, and freshness second by second. Several runs: their CDFs in one chart, then each run. A sweep: p50, p99 and throughput across its points (across rates with --find-max-rate), its table, then every run. \`run\` and \`sweep\` also write report.html next to their results.`;

  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report 20261123-234202-sao4',
    '<%= config.bin %> report 20261124-012458-0fm1 --output sweep.html',
    '<%= config.bin %> report 20261123-234202-sao4 20261124-081500-k2xq --results-dir results',
  ];

  static override strict = false;

  static override args = {
    ids: Args.string({
      description: 'Run, --repeat series or sweep ids (default: the newest run or its sweep)',
    }),
  };

  static override flags = {
    output: Flags.string({ description: 'Write the report here instead of next to the results' }),
    'results-dir': Flags.string({ description: 'Where results are saved', default: 'results' }),
  };

  async run(): Promise<ReportResult> {
    const { argv, flags } = await this.parse(Report);
    if (flags.output !== undefined) checkOutputFile('--output', flags.output);
    const result = await writeReport({
      resultsDir: path.resolve(flags['results-dir']),
      ids: argv as string[],
      output: flags.output,
    });
    for (const [runId, version] of Object.entries(result.upgraded)) {
      this.logToStderr(
        `Note: ${runId} was written by an older crypto-bench (result schema ${version}) and was upgraded on load.`,
      );
    }
    this.log(`Wrote ${result.file} (${result.kind === 'sweep' ? 'sweep' : 'run'} ${result.ids.join(', ')})`);
    return result;
  }
}
