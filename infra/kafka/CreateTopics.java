import com.flashkey.contracts.Topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of {@link Topics#ALL} and its {@code .DLT} dead-letter twin on the local broker, and grows
 * the partition count of existing ones up to the requested count (Kafka never shrinks partitions).
 * Run by {@code bin/flashkey up} as a single-file source program:
 * {@code java -cp "<kafka libs>/*:contracts.jar" infra/kafka/CreateTopics.java <bootstrap> <partitions> [prefix]}.
 * One JVM for all topics: a TopicCommand run per topic would cost a JVM start each.
 */
public class CreateTopics {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CreateTopics <bootstrap-servers> <partitions> [topic-prefix]");
            System.exit(2);
        }
        String bootstrap = args[0];
        int partitions = Integer.parseInt(args[1]);
        String prefix = args.length > 2 ? args[2] : "";

        List<String> names = new ArrayList<>();
        for (String topic : Topics.ALL) {
            names.add(prefix + topic);
            names.add(prefix + topic + ".DLT");
        }

        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, partitions, (short) 1)).toList();
            int created = 0;
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created++;
                } catch (ExecutionException e) {
                    // Another process (a service's NewTopic bean) may have created it a moment ago.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }

            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<String, NewPartitions> grow = new HashMap<>();
            int[] more = {0};
            described.forEach((name, d) -> {
                if (d.partitions().size() < partitions) {
                    grow.put(name, NewPartitions.increaseTo(partitions));
                }
                else if (d.partitions().size() > partitions) {
                    more[0]++;
                }
            });
            if (!grow.isEmpty()) {
                admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
            }
            System.out.printf("topics: %d wanted, %d created, %d grown to %d partitions%s%n",
                    names.size(), created, grow.size(), partitions, more[0] == 0 ? ""
                            : "; " + more[0] + " keep more (Kafka never shrinks a topic; `bin/flashkey down --purge` resets)");
        }
    }
}
