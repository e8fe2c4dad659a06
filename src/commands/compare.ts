import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { checkOutputFile } from '../lib/config/output-paths.js';
import { COMPARE_FORMATS, compareRuns, type CompareResult } from '../lib/bench/compare.js';

export default class Compare extends BaseCommand {
  static override summary =
    'Compare engines within a run, or runs with each other: latency, throughput, freshness, completeness, cost';

  static override description = `With no run id: the newest run. One run (or the id of a --repeat series): the engines side by side, with a ratio column for every pair ("spark / flink"). Two or more runs: the change of every figure from the first run to the last, per engine. Runs that were interrupted or invalid are shown with the reason, never silently mixed in. CSV has one row per (run, engine, metric), the unit in the metric name and its own column.`;

  static override examples = [
    '<%= config.bin %> compare',
    '<%= config.bin %> compare 20261123-234202-sao4 --all',
    '<%= config.bin %> compare 20261123-234202-sao4 20261124-081500-k2xq --format markdown',
    '<%= config.bin %> compare --format csv --out results.csv',
  ];

  static override strict = false;

  static override args = { runs: Args.string({ description: 'Run ids (default: the newest run)' }) };

  static override flags = {
    format: Flags.option({
      description: 'Output format',
      options: COMPARE_FORMATS,
      default: 'table' as const,
    })(),
    out: Flags.string({ description: 'Write the output to this file instead of stdout' }),
    all: Flags.boolean({ description: 'Show every figure, not just the headline ones' }),
    'results-dir': Flags.string({ description: 'Where results are saved', default: 'results' }),
  };

  async run(): Promise<CompareResult> {
    const { argv, flags } = await this.parse(Compare);
    if (flags.out !== undefined) checkOutputFile('--out', flags.out);
    const format = this.jsonEnabled() ? 'json' : flags.format;
    const result = compareRuns({
      resultsDir: path.resolve(flags['results-dir']),
      ids: argv as string[],
      format,
      all: flags.all,
    });
    for (const [runId, version] of Object.entries(result.upgraded)) {
      this.logToStderr(
        `Note: ${runId} was written by an older crypto-bench (result schema ${version}) and was upgraded on load.`,
      );
    }
    if (format === 'json' && !this.jsonEnabled()) {
      this.emit(JSON.stringify(result.runs, null, 2), flags.out);
    } else if (format !== 'json') {
      this.emit(result.output, flags.out);
    }
    return result;
  }

  private emit(text: string, out: string | undefined): void {
    if (!out) return this.log(text);
    writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
    this.logToStderr(`Wrote ${out}`);
  }
}
