package com.flashkey.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.flashkey.helm.RenderedChart.SERVICES;
import static com.flashkey.helm.RenderedChart.objectName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

class FlashKeyChartTests {

    private static final Path PRODUCTION_VALUES = Path.of("src/test/resources/values-production.yaml");
    // Rendered once per JVM, lazily, so a chart that fails to render fails each test with Helm's message.
    private static RenderedChart defaults;
    private static RenderedChart production;

    private static synchronized RenderedChart defaults() {
        if (defaults == null) {
            defaults = RenderedChart.withDefaults().keptAs("rendered-defaults.yaml");
        }
        return defaults;
    }

    private static synchronized RenderedChart production() {
        if (production == null) {
            production = RenderedChart.render(t -> t.withValuesFile(PRODUCTION_VALUES)).keptAs("rendered-production.yaml");
        }
        return production;
    }

    private static Stream<RenderedChart> bothRenderings() {
        return Stream.of(defaults(), production());
    }

    @Test
    void whenChartIsLintedStrictlyThenHelmReportsNoFailure() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
    }

    @Nested
    class EveryService {

        @Test
        void whenRenderedThenEachServiceHasDeploymentServiceHpaPdbConfigMapAndNetworkPolicy() {
            bothRenderings().forEach(chart -> SERVICES.values().forEach(component -> {
                String name = objectName(component);
                assertThat(chart.find(Deployment.class, name)).as("Deployment %s", name).isPresent();
                assertThat(chart.find(Service.class, name)).as("Service %s", name).isPresent();
                assertThat(chart.find(PodDisruptionBudget.class, name)).as("PDB %s", name).isPresent();
                assertThat(chart.find(NetworkPolicy.class, name)).as("NetworkPolicy %s", name).isPresent();
                assertThat(chart.find(io.fabric8.kubernetes.api.model.ConfigMap.class, name)).as("ConfigMap %s", name)
                        .isPresent();
            }));
            SERVICES.values().forEach(component -> assertThat(
                    defaults().find(HorizontalPodAutoscaler.class, objectName(component))).as("HPA %s", component).isPresent());
        }

        @Test
        void whenRenderedThenContainerPortsAreTheServicesOwnDefaultPorts() throws IOException {
            Map<String, String> modules = Map.of("gateway", "gateway", "catalog", "catalog-service",
                    "inventory", "inventory-service", "order", "order-service",
                    "payment-callback", "payment-callback-service", "notification", "notification-service");
            for (var entry : modules.entrySet()) {
                String yml = Files.readString(Path.of("..", entry.getValue(), "src/main/resources/application.yml"));
                Matcher port = Pattern.compile("port: \\$\\{PORT:(\\d+)}").matcher(yml);
                assertThat(port.find()).as("%s reads PORT", entry.getValue()).isTrue();
                Container container = defaults().pod(entry.getKey()).getContainers().get(0);

                assertThat(container.getPorts().get(0).getContainerPort()).as(entry.getKey())
                        .isEqualTo(Integer.parseInt(port.group(1)));
                assertThat(defaults().env(entry.getKey(), "PORT")).isEqualTo(port.group(1));
                assertThat(defaults().find(Service.class, objectName(entry.getKey())).orElseThrow()
                        .getSpec().getPorts().get(0).getPort()).isEqualTo(Integer.parseInt(port.group(1)));
                // the probes below only answer when the service turns on Boot's probe groups
                assertThat(yml).containsPattern("probes:\\s*\\n\\s*enabled:\\s*true");
            }
        }

        @Test
        void whenRenderedThenProbesPointAtTheActuatorLivenessAndReadinessGroups() {
            bothRenderings().forEach(chart -> SERVICES.values().forEach(component -> {
                Container c = chart.pod(component).getContainers().get(0);
                assertProbe(c.getStartupProbe(), "/actuator/health/liveness");
                assertProbe(c.getLivenessProbe(), "/actuator/health/liveness");
                assertProbe(c.getReadinessProbe(), "/actuator/health/readiness");
                assertThat(c.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("http"));
            }));
        }

        @Test
        void whenRenderedThenNoContainerCanRunAsRootOrWriteOutsideTmp() {
            bothRenderings().forEach(chart -> {
                List<PodSpec> pods = SERVICES.values().stream().map(chart::pod).toList();
                pods.forEach(pod -> {
                    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                    assertThat(pod.getSecurityContext().getRunAsUser()).isNotNull().isPositive();
                    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                    pod.getContainers().forEach(c -> {
                        var sc = c.getSecurityContext();
                        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
                        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
                        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
                        assertThat(sc.getRunAsUser()).satisfiesAnyOf(u -> assertThat(u).isNull(),
                                u -> assertThat(u).isPositive());
                    });
                });
                SERVICES.values().forEach(component -> {
                    PodSpec pod = chart.pod(component);
                    assertThat(pod.getContainers().get(0).getVolumeMounts())
                            .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
                    assertThat(pod.getVolumes()).anySatisfy(v -> {
                        assertThat(v.getName()).isEqualTo("tmp");
                        assertThat(v.getEmptyDir()).isNotNull();
                    });
                });
            });
        }

        @Test
        void whenRenderedThenEveryContainerHasCpuAndMemoryRequestsAndAMemoryLimit() {
            bothRenderings().forEach(chart -> SERVICES.values().forEach(component -> {
                var resources = chart.pod(component).getContainers().get(0).getResources();
                assertThat(resources.getRequests()).containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).containsKey("memory");
                assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")))
                        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(resources.getRequests().get("memory")));
            }));
        }

        @Test
        void whenPodsStopThenPreStopSleepAndSpringShutdownFitInsideTheGracePeriod() {
            bothRenderings().forEach(chart -> SERVICES.values().forEach(component -> {
                PodSpec pod = chart.pod(component);
                long grace = pod.getTerminationGracePeriodSeconds();
                long preStop = pod.getContainers().get(0).getLifecycle().getPreStop().getSleep().getSeconds();
                assertThat(preStop).isPositive();
                assertThat(grace).as("grace > preStop + Spring's 20 s shutdown phase").isGreaterThan(preStop + 20);
            }));
        }

        @Test
        void whenRenderedThenSelectorsAreMinimalAndMatchThePodsAndTheService() {
            SERVICES.values().forEach(component -> {
                Deployment deployment = defaults().deployment(component);
                Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
                assertThat(selector).containsOnlyKeys("app.kubernetes.io/name", "app.kubernetes.io/instance",
                        "app.kubernetes.io/component").containsEntry("app.kubernetes.io/component", component);
                assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector)
                        .containsKeys("app.kubernetes.io/version", "helm.sh/chart", "app.kubernetes.io/managed-by");
                assertThat(defaults().find(Service.class, objectName(component)).orElseThrow().getSpec().getSelector())
                        .isEqualTo(selector);
            });
        }
    }

    @Nested
    class Autoscaling {

        @Test
        void whenAutoscalingIsOnThenTheHpaTargetsCpuScalesUpAtOnceAndDownSlowly() {
            defaults().all(HorizontalPodAutoscaler.class).forEach(hpa -> {
                var spec = hpa.getSpec();
                assertThat(spec.getScaleTargetRef().getName()).isEqualTo(hpa.getMetadata().getName());
                assertThat(spec.getMinReplicas()).isLessThanOrEqualTo(spec.getMaxReplicas());
                assertThat(spec.getMetrics()).singleElement().satisfies(m -> {
                    assertThat(m.getResource().getName()).isEqualTo("cpu");
                    assertThat(m.getResource().getTarget().getAverageUtilization()).isBetween(10, 100);
                });
                assertThat(spec.getBehavior().getScaleUp().getStabilizationWindowSeconds()).isZero();
                assertThat(spec.getBehavior().getScaleUp().getSelectPolicy()).isEqualTo("Max");
                assertThat(spec.getBehavior().getScaleDown().getStabilizationWindowSeconds()).isGreaterThanOrEqualTo(300);
            });
            SERVICES.values().forEach(component ->
                    assertThat(defaults().deployment(component).getSpec().getReplicas()).as("the HPA owns replicas").isNull());
        }

        @Test
        void whenMinAndMaxAreSetPerServiceThenEachHpaCarriesItsOwn() {
            var order = production().find(HorizontalPodAutoscaler.class, objectName("order")).orElseThrow().getSpec();
            var gateway = production().find(HorizontalPodAutoscaler.class, objectName("gateway")).orElseThrow().getSpec();

            assertThat(List.of(order.getMinReplicas(), order.getMaxReplicas())).containsExactly(6, 30);
            assertThat(List.of(gateway.getMinReplicas(), gateway.getMaxReplicas())).containsExactly(4, 24);
        }

        @Test
        void whenAutoscalingIsOffThenTheDeploymentHasFixedReplicasAndNoHpa() {
            assertThat(production().find(HorizontalPodAutoscaler.class, objectName("notification"))).isEmpty();
            assertThat(production().deployment("notification").getSpec().getReplicas()).isEqualTo(3);
        }

        @Test
        void whenScaledBeforeASaleWithSetThenOnlyThatServicesFloorMoves() {
            RenderedChart raised = RenderedChart.render(t -> t.set("order.autoscaling.minReplicas", "12")
                    .set("order.autoscaling.maxReplicas", "40"));

            var order = raised.find(HorizontalPodAutoscaler.class, objectName("order")).orElseThrow().getSpec();
            assertThat(order.getMinReplicas()).isEqualTo(12);
            assertThat(order.getMaxReplicas()).isEqualTo(40);
            assertThat(raised.find(HorizontalPodAutoscaler.class, objectName("catalog")).orElseThrow().getSpec()
                    .getMinReplicas()).isEqualTo(defaults().find(HorizontalPodAutoscaler.class, objectName("catalog"))
                    .orElseThrow().getSpec().getMinReplicas());
        }

        @Test
        void whenRenderedThenEachPdbAllowsOneVoluntaryDisruptionOrKeepsItsMinimum() {
            defaults().all(PodDisruptionBudget.class).forEach(pdb ->
                    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1));
            assertThat(production().find(PodDisruptionBudget.class, objectName("order")).orElseThrow()
                    .getSpec().getMinAvailable().getIntVal()).isEqualTo(3);
        }
    }

    @Nested
    class Secrets {

        private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|KEY).*");

        @Test
        void whenRenderedThenTheChartCreatesNoSecretAndEverySecretEnvComesFromASecretRef() {
            bothRenderings().forEach(chart -> {
                assertThat(chart.all(Secret.class)).isEmpty();
                SERVICES.values().forEach(component -> chart.pod(component).getContainers().get(0).getEnv().stream()
                        .filter(e -> SECRET_LIKE.matcher(e.getName()).matches())
                        .forEach(e -> {
                            assertThat(e.getValue()).as(e.getName()).isNull();
                            assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull();
                        }));
            });
            assertThat(production().env("gateway", "SPRING_DATA_REDIS_PASSWORD")).as("from a Secret, not a literal").isNull();
            assertThat(production().pod("gateway").getContainers().get(0).getEnv())
                    .filteredOn(e -> e.getName().equals("SPRING_DATA_REDIS_PASSWORD")).singleElement()
                    .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("flashkey-redis"));
        }

        @Test
        void whenRenderedThenNoDevelopmentSecretOrLiteralPasswordReachesAConfigMap() {
            bothRenderings().forEach(chart -> chart.all(io.fabric8.kubernetes.api.model.ConfigMap.class).forEach(cm -> {
                String data = String.join("\n", cm.getData().values());
                assertThat(data).doesNotContain("flashkey-local-dev-jwt-secret", "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5",
                        "Zmxhc2hrZXktbG9jYWwtYXQtcmVzdC1jb2Rlcy0wMDE", "Zmxhc2hrZXktbG9jYWwtY29kZS1obWFjLWtleS0wMDE",
                        "simpay-local-dev-secret", "epay-local-dev-key");
                Matcher password = Pattern.compile("(?m)password: (.*)$").matcher(data);
                while (password.find()) {
                    assertThat(password.group(1)).as("%s password", cm.getMetadata().getName()).startsWith("${");
                }
            }));
        }

        @Test
        void whenServicesSealOrOpenCardCodesThenTheDeliveryKeysAreMountedFromTheSecret() {
            for (String component : List.of("inventory", "order", "notification")) {
                PodSpec pod = defaults().pod(component);
                assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                        .extracting(v -> v.getSecret().getSecretName()).contains("flashkey-delivery-keys");
                assertThat(defaults().env(component, "SPRING_CONFIG_IMPORT"))
                        .isEqualTo("optional:configtree:/etc/flashkey/secrets/*/");
            }
            assertThat(defaults().pod("catalog").getVolumes()).noneSatisfy(v -> assertThat(v.getSecret()).isNotNull());
        }

        @Test
        void whenInventoryEncryptsCardCodesThenItsCodeKeysAreMountedFromTheirSecretAndTheActiveIdIsConfigured() {
            bothRenderings().forEach(chart -> {
                PodSpec pod = chart.pod("inventory");
                assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                        .extracting(v -> v.getSecret().getSecretName()).contains("flashkey-inventory-codes");
                assertThat(pod.getContainers().get(0).getVolumeMounts())
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/flashkey/secrets/codes"));
                assertThat(chart.applicationYaml("inventory")).contains("codes:", "active-key-id: prod-1");
                for (String other : List.of("gateway", "catalog", "order", "payment-callback", "notification")) {
                    assertThat(chart.pod(other).getVolumes()).as(other).filteredOn(v -> v.getSecret() != null)
                            .extracting(v -> v.getSecret().getSecretName()).doesNotContain("flashkey-inventory-codes");
                }
            });
            assertThat(RenderedChart.render(t -> t.set("inventoryCodeKeys.activeKeyId", "prod-2"))
                    .applicationYaml("inventory")).contains("active-key-id: prod-2");
        }

        @Test
        void whenPaymentCallbackRendersThenItsProviderSecretIsMountedAndReconciliationAsksTheConfiguredQueryUrl() {
            PodSpec pod = defaults().pod("payment-callback");
            assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                    .extracting(v -> v.getSecret().getSecretName()).contains("flashkey-payment-providers");
            assertThat(defaults().applicationYaml("payment-callback"))
                    .contains("query-url: https://simpay.example.com/v1/payments")
                    .doesNotContain("/simulator/");
            assertThat(RenderedChart.render(t -> t.set("paymentProvider.queryUrl", "https://pay.example.net/q"))
                    .applicationYaml("payment-callback")).contains("query-url: https://pay.example.net/q");
        }
    }

    @Nested
    class Configuration {

        @Test
        void whenRenderedThenPodsGetTheEnvironmentTheServicesReadFromTheirConfigMap() {
            RenderedChart chart = production();
            Container order = chart.pod("order").getContainers().get(0);

            assertThat(chart.env("catalog", "DB_HOST")).isEqualTo("mariadb.flashkey-data.svc");
            assertThat(chart.env("catalog", "DB_PORT")).isEqualTo("3306");
            assertThat(chart.env("catalog", "DB_USER")).isEqualTo("flashkey_app");
            assertThat(chart.env("order", "REDIS_HOST")).isEqualTo("redis.flashkey-data.svc");
            assertThat(chart.env("order", "REDIS_PORT")).isEqualTo("6379");
            assertThat(chart.env("order", "KAFKA_BOOTSTRAP")).isEqualTo("flashkey-kafka-kafka-bootstrap.kafka.svc:9092");
            assertThat(chart.env("order", "KUBERNETES_ENABLED")).isEqualTo("true");
            assertThat(chart.env("order", "OPENAPI_ENABLED")).isEqualTo("false");
            assertThat(chart.env("gateway", "DB_HOST")).as("the gateway has no database").isNull();
            assertThat(chart.env("notification", "REDIS_HOST")).as("notification has no Redis").isNull();
            for (String plain : List.of("DB_HOST", "DB_PORT", "DB_USER", "REDIS_HOST", "REDIS_PORT", "KAFKA_BOOTSTRAP", "PORT")) {
                assertThat(order.getEnv()).filteredOn(e -> e.getName().equals(plain)).singleElement()
                        .satisfies(e -> assertThat(e.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("flashkey-order"));
            }
            assertThat(order.getEnv()).filteredOn(e -> e.getName().startsWith("FLASHKEY_"))
                    .extracting(EnvVar::getName).containsExactlyInAnyOrder("FLASHKEY_JWT_SECRET", "FLASHKEY_SECURITY_JWTSECRET");
            assertThat(order.getEnv()).filteredOn(e -> e.getName().startsWith("FLASHKEY_"))
                    .allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("flashkey-jwt"));
            assertThat(order.getImage()).isEqualTo("registry.internal.example/flashkey/order-service:1.4.2");
        }

        @Test
        void whenOrderShardsAreListedThenOrderServiceGetsOneUrlPerShardAndTheServiceUrls() {
            String yml = production().applicationYaml("order");

            assertThat(yml).contains("count: 4", "catalog-url: http://flashkey-catalog:8081",
                    "inventory-url: http://flashkey-inventory:8082", "batch-size: 1000");
            for (int shard = 0; shard < 4; shard++) {
                assertThat(yml).contains("r2dbc-url: r2dbc:mysql://orders-%d.flashkey-data.svc:3306/orders_%d?connectionTimeZone=UTC"
                        .formatted(shard, shard));
            }
            assertThat(production().applicationYaml("gateway")).contains("payment: http://flashkey-payment-callback:8084",
                    "order: http://flashkey-order:8083", "simulator-enabled: false");
            assertThat(production().applicationYaml("inventory")).contains("catalog-url: http://flashkey-catalog:8081");
        }

        @Test
        void whenTheAdminTokenSettingsAreSetThenEveryServiceChecksTheSameAudienceAndLifetimeCap() {
            for (String component : SERVICES.values()) {
                assertThat(defaults().applicationYaml(component)).as(component).contains("audience: flashkey-admin",
                        "max-token-lifetime: 12h");
            }
            RenderedChart changed = RenderedChart.render(t -> t.set("jwt.audience", "shop-ops")
                .set("jwt.maxTokenLifetime", "30m"));
            for (String component : SERVICES.values()) {
                assertThat(changed.applicationYaml(component)).as(component).contains("audience: shop-ops", "max-token-lifetime: 30m");
                assertThat(checksum(changed, component)).as("%s pods roll", component)
                        .isNotEqualTo(checksum(defaults(), component));
            }
        }

        @Test
        void whenTheIngressIsOnThenTheGatewayBelievesXForwardedForOnlyFromTheControllersAddresses() {
            assertThat(production().property("gateway", "flashkey.gateway.trusted-proxies")).asInstanceOf(LIST)
                    .containsExactly("10.244.0.0/16");
            RenderedChart two = RenderedChart.render(t -> t.withValuesFile(PRODUCTION_VALUES).withValuesFile(
                    RenderedChart.valuesFile("ingress: {trustedProxies: [10.244.0.0/16, 'fd00:10:244::/56']}")));
            assertThat(two.property("gateway", "flashkey.gateway.trusted-proxies")).asInstanceOf(LIST)
                    .containsExactly("10.244.0.0/16", "fd00:10:244::/56");
            assertThat(checksum(two, "gateway")).as("the gateway's pods roll").isNotEqualTo(checksum(production(), "gateway"));
            // Without an ingress nobody is trusted: the TCP peer is the client.
            assertThat(defaults().property("gateway", "flashkey.gateway.trusted-proxies")).asInstanceOf(LIST).isEmpty();
            for (String component : List.of("catalog", "inventory", "order", "payment-callback", "notification")) {
                assertThat(production().applicationYaml(component)).as(component).doesNotContain("trusted-proxies");
            }
        }

        @Test
        void whenRedisIsDownThenEachGatewaySharesTheGlobalCapAmongTheMostReplicasItMayRun() {
            // Each replica admits global limit / local-fallback-replicas alone; under an HPA up to maxReplicas run,
            // so dividing by fewer would let the replicas together pass the global cap.
            assertThat(defaults().property("gateway", "flashkey.gateway.rate-limit.local-fallback-replicas")).isEqualTo(16);
            assertThat(production().property("gateway", "flashkey.gateway.rate-limit.local-fallback-replicas")).isEqualTo(24);

            RenderedChart raised = RenderedChart.render(t -> t.set("gateway.autoscaling.maxReplicas", "40"));
            assertThat(raised.property("gateway", "flashkey.gateway.rate-limit.local-fallback-replicas")).isEqualTo(40);
            assertThat(checksum(raised, "gateway")).as("the gateway's pods roll").isNotEqualTo(checksum(defaults(), "gateway"));

            RenderedChart fixed = RenderedChart.render(t -> t.set("gateway.autoscaling.enabled", "false")
                    .set("gateway.replicaCount", "3"));
            assertThat(fixed.property("gateway", "flashkey.gateway.rate-limit.local-fallback-replicas")).isEqualTo(3);
            RenderedChart none = RenderedChart.render(t -> t.set("gateway.autoscaling.enabled", "false")
                    .set("gateway.replicaCount", "0"));
            assertThat(none.property("gateway", "flashkey.gateway.rate-limit.local-fallback-replicas"))
                    .as("the gateway refuses 0").isEqualTo(1);
        }

        @Test
        void whenASpringConfigChangesThenOnlyThatServicesPodsRoll() {
            RenderedChart changed = RenderedChart.render(t -> t.set("catalog.config.flashkey.catalog.cache-ttl", "30s"));

            assertThat(checksum(changed, "catalog")).isNotEqualTo(checksum(defaults(), "catalog"));
            assertThat(checksum(changed, "order")).isEqualTo(checksum(defaults(), "order"));
            assertThat(changed.applicationYaml("catalog")).contains("cache-ttl: 30s");

            RenderedChart movedRedis = RenderedChart.render(t -> t.set("redis.host", "redis-2.flashkey-data.svc"));
            assertThat(checksum(movedRedis, "order")).isNotEqualTo(checksum(defaults(), "order"));
            assertThat(checksum(movedRedis, "notification")).as("no Redis there").isEqualTo(checksum(defaults(), "notification"));
        }

        @Test
        void whenOpenTelemetryIsOnThenTheAgentLoadsThroughJavaToolOptionsAndIsAbsentOtherwise() {
            Container off = defaults().pod("inventory").getContainers().get(0);

            assertThat(production().env("inventory", "JAVA_TOOL_OPTIONS")).isEqualTo("-javaagent:/opt/otel/opentelemetry-javaagent.jar");
            assertThat(production().env("inventory", "OTEL_SERVICE_NAME")).isEqualTo("inventory-service");
            assertThat(production().env("inventory", "OTEL_EXPORTER_OTLP_ENDPOINT")).isEqualTo("http://otel-collector.observability:4317");
            assertThat(defaults().env("inventory", "JAVA_TOOL_OPTIONS")).isNull();
            assertThat(off.getEnv()).noneSatisfy(e -> assertThat(e.getName()).startsWith("OTEL_"));
        }
    }

    @Nested
    class Access {

        @Test
        void whenNetworkPoliciesRenderThenOnlyTheGatewayAcceptsOutsideTraffic() {
            NetworkPolicy gateway = defaults().find(NetworkPolicy.class, objectName("gateway")).orElseThrow();
            assertThat(gateway.getSpec().getIngress()).anySatisfy(rule -> assertThat(rule.getFrom()).isEmpty());

            assertThat(podPeers("inventory")).containsExactlyInAnyOrder("gateway", "order");
            assertThat(podPeers("order")).containsExactly("gateway");
            assertThat(podPeers("payment-callback")).containsExactly("gateway");
            assertThat(podPeers("catalog")).containsExactlyInAnyOrder("gateway", "order", "inventory");
            assertThat(podPeers("notification")).isEmpty();
            for (String component : List.of("catalog", "inventory", "order", "payment-callback", "notification")) {
                defaults().find(NetworkPolicy.class, objectName(component)).orElseThrow().getSpec().getIngress()
                        .forEach(rule -> assertThat(rule.getFrom()).as("%s admits only named peers", component).isNotEmpty());
            }
        }

        @Test
        void whenRenderedThenTheActuatorListensOnlyOnTheManagementPortWhichNeitherTheIngressNorThePublicRuleReaches() {
            bothRenderings().forEach(chart -> SERVICES.values().forEach(component -> {
                assertThat(chart.env(component, "MANAGEMENT_SERVER_PORT")).as(component).isEqualTo("9090");
                assertThat(chart.pod(component).getContainers().get(0).getPorts())
                        .anySatisfy(port -> {
                            assertThat(port.getName()).isEqualTo("management");
                            assertThat(port.getContainerPort()).isEqualTo(9090);
                        });
                // Whoever may reach the service's traffic port (the public, for the gateway) gets http only.
                chart.find(NetworkPolicy.class, objectName(component)).orElseThrow().getSpec().getIngress()
                        .forEach(rule -> {
                            boolean metricsRule = rule.getFrom().stream()
                                    .anyMatch(peer -> peer.getNamespaceSelector() != null);
                            assertThat(rule.getPorts()).as(component).allSatisfy(port -> assertThat(
                                    port.getPort().getStrVal()).isEqualTo(metricsRule ? "management" : "http"));
                        });
            }));
            Ingress ingress = production().all(Ingress.class).get(0);
            assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths()).allSatisfy(path ->
                    assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http"));
            assertThat(production().yaml()).contains("- port: management\n      path: /actuator/prometheus");
        }

        @Test
        void whenTheGatewayServiceIsALoadBalancerThenTheManagementPortStaysOnAClusterInternalServiceOfItsOwn() {
            RenderedChart chart = RenderedChart.render(t -> t.set("gateway.service.type", "LoadBalancer"));
            Service gateway = chart.find(Service.class, objectName("gateway")).orElseThrow();
            assertThat(gateway.getSpec().getType()).isEqualTo("LoadBalancer");
            assertThat(gateway.getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("http");
            Service management = chart.find(Service.class, objectName("gateway") + "-management").orElseThrow();
            assertThat(management.getSpec().getType()).isEqualTo("ClusterIP");
            assertThat(management.getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("management");
            assertThat(defaults().find(Service.class, objectName("gateway") + "-management")).isEmpty();
        }

        @Test
        void whenRbacRendersThenSpringCloudKubernetesGetsReadOnlyAccessWithoutSecrets() {
            Role role = defaults().all(Role.class).get(0);
            assertThat(role.getRules()).allSatisfy(rule ->
                    assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch"));
            assertThat(role.getRules().stream().flatMap(r -> r.getResources().stream()))
                    .contains("configmaps", "services", "endpoints", "pods").doesNotContain("secrets");
            assertThat(defaults().ofKind("RoleBinding")).hasSize(1);
            SERVICES.values().forEach(component -> assertThat(defaults().pod(component).getServiceAccountName())
                    .isEqualTo("flashkey"));

            List<PolicyRule> withSecrets = RenderedChart.render(t -> t.set("rbac.readSecrets", "true"))
                    .all(Role.class).get(0).getRules();
            assertThat(withSecrets.stream().flatMap(r -> r.getResources().stream())).contains("secrets");
        }

        @Test
        void whenIngressAndServiceMonitorAreEnabledThenTheyPointAtTheGatewayAndTheActuator() {
            Ingress ingress = production().all(Ingress.class).get(0);
            assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("shop.example.com");
            assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths()).allSatisfy(path ->
                    assertThat(path.getBackend().getService().getName()).isEqualTo(objectName("gateway")));

            HasMetadata monitor = production().ofKind("ServiceMonitor").get(0);
            assertThat(monitor).isInstanceOf(GenericKubernetesResource.class);
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            assertThat(production().yaml()).contains("path: /actuator/prometheus");
            assertThat(defaults().ofKind("ServiceMonitor")).isEmpty();
            assertThat(defaults().all(Ingress.class)).isEmpty();
        }

        @Test
        void whenInstalledThenNotesTellHowToReachTestAndPreScaleIt() {
            String output = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
                    .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION)
                    .clientOnly().dryRun().call().getOutput();

            assertThat(output).contains("NOTES:", "helm test flashkey -n shop",
                    "port-forward svc/flashkey-gateway 8080:8080", "--set order.autoscaling.minReplicas=10",
                    "flashkey-db, flashkey-jwt, flashkey-delivery-keys");

            String withIngress = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
                    .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION)
                    .withValuesFile(PRODUCTION_VALUES).clientOnly().dryRun().call().getOutput();
            assertThat(withIngress).contains("https://shop.example.com/api/products",
                    "believes X-Forwarded-For only from 10.244.0.0/16 (ingress.trustedProxies)");
        }

        @Test
        void whenHelmTestRunsThenItsPodCallsTheGatewayHealth(@TempDir Path copy) throws IOException {
            // helm-java's template leaves hooks out, so render a copy of the chart whose hook annotations are renamed.
            Pod test = RenderedChart.renderHooksOf(copy).all(Pod.class).get(0);

            assertThat(test.getMetadata().getAnnotations()).containsEntry(RenderedChart.RENAMED_HOOK, "test");
            assertThat(test.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(test.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(test.getSpec().getContainers().get(0).getArgs())
                    .contains("http://flashkey-gateway:8080/api/products");
        }
    }

    @Nested
    class Validation {

        @ParameterizedTest(name = "{0}={1} is rejected by values.schema.json")
        @CsvSource(delimiter = '|', textBlock = """
                catalog.replicaCount                         | -1
                order.autoscaling.maxReplicas                | 0
                gateway.containerPort                        | 70000
                inventory.autoscaling.targetCPUUtilizationPercentage | 150
                podSecurityContext.runAsNonRoot              | false
                containerSecurityContext.allowPrivilegeEscalation | true
                image.pullPolicy                             | Sometimes
                kafka.bootstrap                              | not a host list
                database.existingSecret                      | Not_A_Name
                jwt.maxTokenLifetime                         | forever
                jwt.audience                                 | ''
                catalog.replicas                             | 3
                unknownTopLevel                              | x
                """)
        void whenAValueBreaksTheSchemaThenRenderingFails(String key, String value) {
            assertThatThrownBy(() -> RenderedChart.render(t -> t.set(key, value)))
                    .hasMessageContaining("schema");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                min above max        | order.autoscaling.minReplicas=9,order.autoscaling.maxReplicas=4 | order.autoscaling.minReplicas (9) must not exceed
                grace too short      | terminationGracePeriodSeconds=25                                  | terminationGracePeriodSeconds (25) must exceed
                pdb blocks drains    | catalog.pdb.minAvailable=2                                        | catalog.pdb.minAvailable (2) must be below
                ingress without host | ingress.enabled=true                                              | ingress.hostname is required
                ingress, no proxies  | ingress.enabled=true,ingress.hostname=shop.example.com            | ingress.trustedProxies is required when ingress.enabled=true
                no way in            | gateway.enabled=false                                             | gateway.enabled=false leaves no way in
                no delivery keys     | deliveryKeys.existingSecret=                                      | deliveryKeys.existingSecret is required
                no card-code keys    | inventoryCodeKeys.existingSecret=                                 | inventoryCodeKeys.existingSecret is required
                no provider secrets  | paymentCallback.existingSecret=                                   | paymentCallback.existingSecret is required
                no query url         | paymentProvider.queryUrl=                                         | paymentProvider.queryUrl is required
                """)
        void whenValuesContradictEachOtherThenValidateValuesFailsWithAClearMessage(String why, String sets, String message) {
            UnaryOperator<TemplateCommand> values = t -> {
                for (String pair : sets.split(",")) {
                    String[] kv = pair.split("=", 2);
                    t = t.set(kv[0], kv[1]);
                }
                return t;
            };
            assertThatThrownBy(() -> RenderedChart.render(values)).as(why)
                    .hasMessageContaining("VALUES VALIDATION").hasMessageContaining(message);
        }

        @ParameterizedTest(name = "ingress.trustedProxies {0}")
        @CsvSource(delimiter = '|', textBlock = """
                [0.0.0.0/0]                    | VALUES VALIDATION
                ['10.244.0.0/16', '::/0']      | VALUES VALIDATION
                [ingress-nginx.example.com]    | schema
                [10.244.0.0/33]                | schema
                """)
        void whenTheTrustedProxiesWouldLetClientsChooseTheirAddressThenRenderingFails(String proxies, String refusal) {
            Path values = RenderedChart.valuesFile("ingress: {enabled: true, hostname: shop.example.com, trustedProxies: "
                    + proxies + "}");

            assertThatThrownBy(() -> RenderedChart.render(t -> t.withValuesFile(values))).hasMessageContaining(refusal)
                    .satisfies(e -> {
                        if (refusal.equals("VALUES VALIDATION")) {
                            assertThat(e).hasMessageContaining("ingress.trustedProxies must not contain");
                        }
                    });
        }

        @Test
        void whenTheDefaultsRenderThenEveryValueHasAParamDoc() throws IOException {
            List<String> lines = Files.readAllLines(RenderedChart.CHART.resolve("values.yaml"));
            Set<String> documented = Set.copyOf(lines.stream().filter(l -> l.startsWith("## @param "))
                    .map(l -> l.split(" ")[2]).toList());
            for (String key : SERVICES.keySet()) {
                for (String leaf : List.of("enabled", "replicaCount", "containerPort", "resources.requests",
                        "resources.limits", "autoscaling.minReplicas", "autoscaling.maxReplicas", "pdb.maxUnavailable",
                        "config", "existingSecret")) {
                    assertThat(documented).as("@param %s.%s", key, leaf).contains(key + "." + leaf);
                }
            }
            assertThat(documented).contains("database.existingSecret", "jwt.existingSecret", "ingress.trustedProxies",
                    "deliveryKeys.existingSecret",
                    "inventoryCodeKeys.existingSecret", "inventoryCodeKeys.activeKeyId", "paymentProvider.queryUrl",
                    "terminationGracePeriodSeconds", "preStopSleepSeconds", "autoscalingBehavior");
        }
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    private static String checksum(RenderedChart chart, String component) {
        return chart.deployment(component).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }

    private static List<String> podPeers(String component) {
        return defaults().find(NetworkPolicy.class, objectName(component)).orElseThrow().getSpec().getIngress().stream()
                .flatMap(rule -> rule.getFrom().stream())
                .map(NetworkPolicyPeer::getPodSelector).filter(Objects::nonNull)
                .map(selector -> selector.getMatchLabels().get("app.kubernetes.io/component"))
                .toList();
    }
}
