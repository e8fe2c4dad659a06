package dev.cryptobench.spark;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Task slots for Real-Time Mode, which runs one long-running task per Kafka partition for the whole batch and
 * needs them all at once: with fewer slots than partitions, the partitions left over wait for the next batch.
 * A local master gets at least one thread per partition (threads, not cores: the tasks mostly wait for Kafka).
 */
final class RealTimeSlots {

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)])?");
    private static final long DESCRIBE_TIMEOUT_MS = 30_000;

    private RealTimeSlots() {}

    /** {@code master} with at least {@code partitions} threads, if it is a local master. */
    static String master(String master, int partitions) {
        Matcher m = LOCAL.matcher(master);
        if (!m.matches()) {
            return master;
        }
        String threads = m.group(1);
        int slots = threads == null ? 1
                : threads.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
        return slots >= partitions ? master : "local[" + partitions + "]";
    }

    /** How many partitions {@code topic} has, asked of the broker. */
    static int partitions(String bootstrap, String topic, Map<String, String> kafkaProperties) throws Exception {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DESCRIBE_TIMEOUT_MS);
        try (Admin admin = Admin.create(props)) {
            return admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(DESCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic).partitions().size();
        }
    }
}
