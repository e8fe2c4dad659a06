import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { durationFlag } from '../lib/config/flags.js';
import { checkOutputFile } from '../lib/config/output-paths.js';
import { resolveSource, sourceFlags } from '../lib/config/source-flags.js';
import { UsageError } from '../lib/errors.js';
import { recordTicks, type RecordOutcome } from '../lib/bench/record.js';

export default class Record extends BaseCommand {
  static override summary = 'Capture live Coinbase ticks to an NDJSON file, for --source replay';

  static override description =
    'Writes a header line and one tick per line, flushing as it goes, so Ctrl-C or a crash keeps everything recorded so far. Replay it with `crypto-bench run --source replay --file FILE` (at the original pace, or --speed N).';

  static override examples = [
    '<%= config.bin %> record --source coinbase-ws --duration 10m --out ticks.ndjson',
    '<%= config.bin %> record --source coinbase-rest --interval 2s --pairs BTC-USD,ETH-USD --duration 5m --out rest.ndjson',
  ];

  static override flags = {
    source: Flags.option({
      description: 'Live source to record',
      options: ['coinbase-ws', 'coinbase-rest'] as const,
      default: 'coinbase-ws' as const,
    })(),
    pairs: sourceFlags.pairs,
    interval: sourceFlags.interval,
    'coinbase-rest-url': sourceFlags['coinbase-rest-url'],
    'coinbase-ws-url': sourceFlags['coinbase-ws-url'],
    duration: durationFlag({
      description: 'How long to record',
      default: 600_000,
      bareUnit: 's',
      minMs: 1000,
    }),
    out: Flags.string({ description: 'NDJSON file to write', required: true }),
    force: Flags.boolean({ description: 'Overwrite --out if it exists' }),
  };

  async run(): Promise<RecordOutcome> {
    const { flags } = await this.parse(Record);
    if (path.extname(flags.out) === '') {
      throw new UsageError(`--out ${flags.out} has no extension; use a name like ticks.ndjson`);
    }
    checkOutputFile('--out', flags.out, { overwrite: flags.force });
    const source = resolveSource({ ...flags, rate: 1, seed: 1 }, flags.duration);
    return this.interruptible(async (signal) => {
      const outcome = await recordTicks(
        {
          source,
          outFile: path.resolve(flags.out),
          durationMs: flags.duration,
          overwrite: flags.force,
          signal,
        },
        this.progress(),
      );
      this.log(
        `Recorded ${outcome.ticks} ticks in ${(outcome.elapsedMs / 1000).toFixed(0)}s to ${outcome.outFile}`,
      );
      if (outcome.problems.length > 0) this.log(`Source problems: ${outcome.problems.join('; ')}`);
      if (outcome.interrupted) process.exitCode = 130;
      return outcome;
    });
  }
}
