/** Every engine crypto-bench can run, in the order they are started and shown. */
export const ENGINES = ['spark', 'flink', 'baseline'] as const;
/** One of the measured engines. */
export type Engine = (typeof ENGINES)[number];

/** The services of a stack, in start order; `down` stops them in reverse. */
export const SERVICES = ['postgres', 'kafka', ...ENGINES] as const;
/** One supervised service of the stack. */
export type ServiceName = (typeof SERVICES)[number];

/**
 * Ways to run a stack: supervised child processes, containers on a Docker engine, or existing services named in
 * a cluster file (docs/architecture.md#runtimes).
 */
export const RUNTIMES = ['local', 'docker', 'cluster'] as const;
/** One of the runtimes. */
export type RuntimeName = (typeof RUNTIMES)[number];

/** Docker networks a stack can use: its own user-defined bridge network, or the host's network stack. */
export const DOCKER_NETWORKS = ['bridge', 'host'] as const;
/** One of the Docker network modes. */
export type DockerNetwork = (typeof DOCKER_NETWORKS)[number];

/**
 * Delivery guarantees a job can run with (`--delivery`): at-least-once (a replay after a failure writes rows
 * again; the inserts skip them and count them as duplicate deliveries) or exactly-once (every row committed once:
 * Flink's sink commits with its checkpoints, Spark's micro-batches are idempotent per batch id, the baseline
 * commits its Kafka offsets with its rows).
 */
export const DELIVERY_GUARANTEES = ['at-least-once', 'exactly-once'] as const;
/** One of the delivery guarantees. */
export type DeliveryGuarantee = (typeof DELIVERY_GUARANTEES)[number];

/**
 * Where Spark and Flink keep the state of the gold windows (`--state-backend`): on the JVM heap (Flink's hashmap
 * backend, Spark's default HDFS-backed state store) or in RocksDB (Flink's RocksDB backend, Spark's RocksDB state
 * store provider).
 */
export const STATE_BACKENDS = ['hashmap', 'rocksdb'] as const;
/** One of the state backends. */
export type StateBackend = (typeof STATE_BACKENDS)[number];

/** Where each port sits relative to `--port-base`. */
export const PORT_OFFSETS = {
  kafka: 0,
  kafkaController: 1,
  postgres: 2,
  sparkUi: 3,
  flinkUi: 4,
} as const;

/** One place for every default of the tool. */
export const DEFAULTS = {
  /** State directory (pids, ports, logs, data), relative to the working directory. */
  stateDir: '.crypto-bench',
  /** First of five consecutive ports; unusual on purpose, to stay clear of a user's own Kafka or PostgreSQL. */
  portBase: 19092,
  /** Host every service binds to. Loopback only: nothing is exposed to the network. */
  host: '127.0.0.1',
  /** The topic every engine consumes. */
  topic: 'crypto_prices',
  /** Partitions of the topic (docs/architecture.md#pipeline). */
  topicPartitions: 3,
  /** PostgreSQL database and role created for the benchmark. */
  database: 'cryptobench',
  databaseUser: 'cryptobench',
  /** How long `up` waits for the whole stack to be healthy. */
  upTimeoutMs: 300_000,
  /** Spark trigger interval; 0 = as fast as possible. */
  sparkTriggerMs: 0,
  /** Flink network buffer timeout. */
  flinkBufferTimeoutMs: 100,
  /** Flink JDBC sink batching. */
  flinkBatchSize: 1000,
  flinkBatchIntervalMs: 200,
  /** Flink checkpoint interval. */
  flinkCheckpointIntervalMs: 10_000,
  /** Delivery guarantee of every job. */
  delivery: 'at-least-once' as DeliveryGuarantee,
  /** State backend of Spark's and Flink's gold windows. */
  stateBackend: 'hashmap' as StateBackend,
  /** Baseline consumer JDBC batch size. */
  baselineBatchSize: 1000,
  /** JVM heaps: explicit and modest, the machines have 2 cores and everything shares them. */
  heapMb: { kafka: 512, spark: 1024, flink: 768, baseline: 256 },
  /** Base image of the Docker runtime's images: a public JRE 17 image (Debian or Ubuntu based). */
  baseImage: 'eclipse-temurin:17-jre',
  /** The pairs of the original pipeline. */
  pairs: ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ADA-USD', 'DOGE-USD'],
} as const;
