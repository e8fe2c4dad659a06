import { setTimeout as sleep } from 'node:timers/promises';
import { ENGINES } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { InfrastructureError } from '../errors.js';
import { kafkaAccess } from './access.js';
import { connectAdmin } from './kafka.js';
import { connect } from './postgres.js';

/** Longest wait for the broker to finish deleting the old topic and to create the new one. */
const TOPIC_CHANGE_TIMEOUT_MS = 60_000;

/**
 * Deletes the stack's topic and creates it again with `config`'s partitions (`sweep --partitions`), and forgets
 * every place a job remembered how far it had read the old one, outside its checkpoints: the engines' Kafka
 * consumer groups and the baseline's offsets stored with its rows (exactly-once). The jobs must be stopped
 * (and their checkpoints cleared by the runtime): a consumer would otherwise resume the new, empty topic at
 * the old topic's offsets. Rows already committed stay in the tables; only the topic's records go.
 */
export async function recreateTopic(config: StackConfig): Promise<void> {
  const access = kafkaAccess(config);
  const admin = await connectAdmin(config);
  try {
    if ((await admin.listTopics()).includes(access.topic)) {
      await admin.deleteTopics({ topics: [access.topic], timeout: TOPIC_CHANGE_TIMEOUT_MS });
    }
    // Groups of stopped jobs are empty and can go; one that is gone already is what was wanted.
    await admin.deleteGroups(ENGINES.map((engine) => `crypto-bench-${engine}`)).catch(() => undefined);
    const deadline = Date.now() + TOPIC_CHANGE_TIMEOUT_MS;
    // A deleted topic lingers for a moment ("marked for deletion"): create until the new one is there.
    for (;;) {
      if (!(await admin.listTopics()).includes(access.topic)) {
        await admin
          .createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic: access.topic,
                numPartitions: access.partitions,
                replicationFactor: access.replicationFactor,
                configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
              },
            ],
          })
          .catch(() => undefined);
        const metadata = await admin.fetchTopicMetadata({ topics: [access.topic] }).catch(() => undefined);
        if (metadata?.topics[0]?.partitions.length === access.partitions) break;
      }
      if (Date.now() > deadline) {
        throw new InfrastructureError(
          `The topic ${access.topic} could not be created again with ${access.partitions} partitions within ${TOPIC_CHANGE_TIMEOUT_MS / 1000}s`,
          {
            suggestions: [
              'Check the broker with `crypto-bench status --logs kafka`, then run the sweep again',
            ],
          },
        );
      }
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
  const client = await connect(config);
  try {
    // Created by `up` with the other delivery tables; absent on stacks from before exactly-once.
    const table = await client.query<{ name: string | null }>(
      "SELECT to_regclass('baseline_offsets')::text AS name",
    );
    if (table.rows[0]?.name)
      await client.query('DELETE FROM baseline_offsets WHERE topic = $1', [access.topic]);
  } finally {
    await client.end();
  }
}
