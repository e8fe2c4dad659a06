# The image of every JVM service of crypto-bench: the Kafka broker (KRaft), the Spark master, worker and
# driver, the Flink JobManager and TaskManager, and the baseline consumer. It holds the very jars the local
# runtime launches (jobs/*/target, built with `jobs/mvnw package`), laid out as in the repository, so every
# classpath is the same on both runtimes.
#
#   docker build -f compose/jvm.Dockerfile --build-arg BASE_IMAGE=eclipse-temurin:17-jre -t crypto-bench/jvm .
#
# BASE_IMAGE is any Debian or Ubuntu based image; a JRE 17 is installed with apt when it has no `java`.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

# curl submits the Flink job through the JobManager's REST API under `docker compose`.
RUN set -eu; missing=""; \
    command -v java >/dev/null 2>&1 || missing="$missing openjdk-17-jre-headless"; \
    command -v curl >/dev/null 2>&1 || missing="$missing curl ca-certificates"; \
    if [ -n "$missing" ]; then \
      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing \
      && rm -rf /var/lib/apt/lists/*; \
    fi; \
    java -version

WORKDIR /opt/crypto-bench
# Dependencies first (they rarely change), the jobs' own jars last, so a rebuild after a code change is quick.
COPY jobs/kafka-broker/target/lib/ jobs/kafka-broker/target/lib/
COPY jobs/baseline-job/target/lib/ jobs/baseline-job/target/lib/
COPY jobs/flink-job/target/lib/ jobs/flink-job/target/lib/
COPY jobs/spark-job/target/lib/ jobs/spark-job/target/lib/
# Spark's standalone worker builds each executor's classpath from $SPARK_HOME/jars.
RUN mkdir -p /opt/spark && ln -s /opt/crypto-bench/jobs/spark-job/target/lib /opt/spark/jars
ENV SPARK_HOME=/opt/spark SPARK_SCALA_VERSION=2.13
COPY jobs/jvm.options jobs/jvm.options
COPY compose/config/ compose/config/
COPY compose/bin/ /usr/local/bin/
COPY jobs/baseline-job/target/baseline-job.jar jobs/baseline-job/target/
COPY jobs/flink-job/target/flink-job.jar jobs/flink-job/target/
COPY jobs/spark-job/target/spark-job.jar jobs/spark-job/target/
# Kafka's log, checkpoints of Spark and Flink, and the Spark scratch space live on volumes mounted here.
RUN mkdir -p /var/lib/crypto-bench/kafka /var/lib/crypto-bench/state
