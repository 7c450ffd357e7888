package com.flashkey.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** The chart rendered by the real Helm engine (helm-java) and parsed into fabric8 Kubernetes model objects. */
record RenderedChart(String yaml, List<HasMetadata> objects) {

    static final Path CHART = Path.of(System.getProperty("flashkey.chart.dir", "flashkey"));
    static final String RELEASE = "flashkey";
    static final String NAMESPACE = "shop";
    /** Oldest Kubernetes the chart supports (preStop sleep action); Helm's own default is far older. */
    static final String KUBE_VERSION = "1.30.0";
    /** values key -> component label, as the services are named in the chart. */
    static final Map<String, String> SERVICES = Map.of(
            "gateway", "gateway", "catalog", "catalog", "inventory", "inventory", "order", "order",
            "paymentCallback", "payment-callback", "notification", "notification");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static RenderedChart render(UnaryOperator<TemplateCommand> values) {
        return parse(values.apply(new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)).call());
    }

    static RenderedChart parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        Arrays.stream(yaml.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(line -> line.startsWith("kind:")))
                .forEach(doc -> objects.add(SERIALIZATION.unmarshal(doc, HasMetadata.class)));
        return new RenderedChart(yaml, List.copyOf(objects));
    }

    static final String RENAMED_HOOK = "flashkey.dev/helm-hook";

    /** Renders a copy of the chart in which hook annotations are renamed, so hook objects appear as manifests. */
    static RenderedChart renderHooksOf(Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(source).replace("helm.sh/hook:", RENAMED_HOOK + ":"));
                }
            }
        }
        return parse(new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).call());
    }

    /** A values file under target/ holding this YAML, for values --set cannot express (lists). */
    static Path valuesFile(String yaml) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-values"));
            Path file = dir.resolve(Integer.toHexString(yaml.hashCode()) + ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RenderedChart withDefaults() {
        return render(UnaryOperator.identity());
    }

    /** Keeps the rendered YAML under target/ for a reader (and CI artifacts). */
    RenderedChart keptAs(String fileName) {
        try {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", fileName), yaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return this;
    }

    static String objectName(String component) {
        return RELEASE + "-" + component;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    Deployment deployment(String component) {
        return find(Deployment.class, objectName(component)).orElseThrow(
                () -> new AssertionError("no Deployment " + objectName(component)));
    }

    PodSpec pod(String component) {
        return deployment(component).getSpec().getTemplate().getSpec();
    }

    /**
     * Value of a container env var as the pod would see it: a literal, or the ConfigMap entry it references;
     * null when absent or when it comes from a Secret.
     */
    String env(String component, String name) {
        return pod(component).getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(e -> {
                    if (e.getValueFrom() == null) {
                        return e.getValue();
                    }
                    var ref = e.getValueFrom().getConfigMapKeyRef();
                    if (ref == null) {
                        return null;
                    }
                    return find(ConfigMap.class, ref.getName())
                            .map(cm -> cm.getData().get(ref.getKey()))
                            .orElseThrow(() -> new AssertionError(name + " refers to a missing ConfigMap entry " + ref));
                })
                .orElse(null);
    }

    String applicationYaml(String component) {
        return find(ConfigMap.class, objectName(component)).orElseThrow().getData().get("application.yml");
    }

    /** One property of a service's rendered application.yml by its dotted path ("flashkey.gateway.trusted-proxies"). */
    Object property(String component, String path) {
        Object node = SERIALIZATION.unmarshal(applicationYaml(component), Map.class);
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new AssertionError(component + "'s application.yml has no " + path);
            }
            node = map.get(key);
        }
        return node;
    }
}
