package com.flashkey.helm;

import com.flashkey.contracts.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** k8s/ holds what the chart expects to exist; these tests keep the two, and contracts' topics, in step. */
class K8sManifestsTests {

    private static final Path K8S = Path.of(System.getProperty("flashkey.k8s.dir", "../k8s"));
    private static List<HasMetadata> objects;
    private static RenderedChart chart;

    @BeforeAll
    static void parse() throws IOException {
        List<HasMetadata> parsed = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                parsed.addAll(RenderedChart.parse(Files.readString(file)).objects());
            }
        }
        objects = List.copyOf(parsed);
        chart = RenderedChart.withDefaults();
    }

    @Test
    void whenTopicsAreDeclaredThenEveryContractTopicHasAReplicatedKafkaTopic() {
        Map<String, Map<String, Object>> specs = kind("KafkaTopic").stream()
                .map(GenericKubernetesResource.class::cast)
                .collect(Collectors.toMap(t -> (String) spec(t).get("topicName"), K8sManifestsTests::spec));

        assertThat(specs.keySet()).containsAll(Topics.ALL);
        Topics.ALL.forEach(topic -> {
            assertThat((Integer) specs.get(topic).get("partitions")).as(topic).isGreaterThanOrEqualTo(6);
            assertThat((Integer) specs.get(topic).get("replicas")).as(topic).isEqualTo(3);
        });
        assertThat(specs.keySet()).contains(Topics.ORDER_PLACED + ".DLT", Topics.PAYMENT_SUCCEEDED + ".DLT");
    }

    @Test
    void whenKafkaIsDeclaredThenItRunsKraftNodePoolsAndTheChartsBootstrapNamesItsService() {
        GenericKubernetesResource kafka = (GenericKubernetesResource) kind("Kafka").get(0);
        GenericKubernetesResource pool = (GenericKubernetesResource) kind("KafkaNodePool").get(0);

        @SuppressWarnings("unchecked")
        List<String> roles = (List<String>) spec(pool).get("roles");
        assertThat(roles).containsExactlyInAnyOrder("controller", "broker");
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
        assertThat(env("order", "KAFKA_BOOTSTRAP")).isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:9092");
    }

    @Test
    void whenRedisIsDeclaredThenItNeverEvictsKeys() {
        ConfigMap config = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals("flashkey-redis")).findFirst().orElseThrow();

        assertThat(config.getData().get("redis.conf")).contains("maxmemory-policy noeviction");
        assertThat(serviceNames()).contains(env("inventory", "REDIS_HOST"));
    }

    @Test
    void whenTheChartUsesItsDefaultsThenEveryDatabaseHostItNamesIsAServiceHere() {
        assertThat(serviceNames()).contains(env("catalog", "DB_HOST"));
        Matcher shardHost = Pattern.compile("r2dbc:mysql://([^:/]+):").matcher(chart.applicationYaml("order"));
        List<String> shardHosts = new ArrayList<>();
        while (shardHost.find()) {
            shardHosts.add(shardHost.group(1));
        }
        assertThat(shardHosts).isNotEmpty();
        assertThat(serviceNames()).containsAll(shardHosts);
    }

    @Test
    void whenInfrastructurePodsRunThenNoneRunsAsRootAndSecretsComeFromSecretRefs() {
        List<StatefulSet> sets = objects.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast).toList();
        assertThat(sets).hasSizeGreaterThanOrEqualTo(4); // main MariaDB, two order shards, Redis
        sets.forEach(set -> {
            var pod = set.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(set.getMetadata().getName()).isTrue();
            for (Container c : pod.getContainers()) {
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(c.getResources().getLimits()).containsKey("memory");
                c.getEnv().stream().filter(e -> e.getName().contains("PASSWORD"))
                        .forEach(e -> assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull());
            }
        });
    }

    private static List<HasMetadata> kind(String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private static Set<String> serviceNames() {
        return objects.stream().filter(Service.class::isInstance).map(o -> o.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    private static String env(String component, String name) {
        return chart.env(component, name);
    }
}
