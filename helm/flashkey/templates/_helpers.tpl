{{/*
Names, labels and shared snippets (Bitnami style). Service templates iterate over "flashkey.serviceKeys";
each iteration passes a context dict: (dict "key" <values key> "svc" <values section> "root" $).
*/}}

{{/* Chart name, overridable. */}}
{{- define "flashkey.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped base name; release "flashkey" gives "flashkey", release "shop" gives "shop-flashkey". */}}
{{- define "flashkey.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "flashkey.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The six services, in start-up order of dependency (values keys). */}}
{{- define "flashkey.serviceKeys" -}}
catalog inventory order paymentCallback notification gateway
{{- end -}}

{{/* Component label of a values key: paymentCallback -> payment-callback. */}}
{{- define "flashkey.component" -}}
{{- .key | kebabcase -}}
{{- end -}}

{{/* spring.application.name of a service (also its image repository default). */}}
{{- define "flashkey.appName" -}}
{{- if eq .key "gateway" -}}gateway{{- else -}}{{ .key | kebabcase }}-service{{- end -}}
{{- end -}}

{{/* Object name of one service: <fullname>-<component>. */}}
{{- define "flashkey.serviceName" -}}
{{- printf "%s-%s" (include "flashkey.fullname" .root) (include "flashkey.component" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object name of a service by values key, from the root context: include "flashkey.nameOf" (list $ "order"). */}}
{{- define "flashkey.nameOf" -}}
{{- include "flashkey.serviceName" (dict "key" (index . 1) "root" (index . 0)) -}}
{{- end -}}

{{/* In-cluster base URL of a service by values key. */}}
{{- define "flashkey.urlOf" -}}
{{- $root := index . 0 -}}{{- $key := index . 1 -}}
{{- printf "http://%s:%v" (include "flashkey.nameOf" .) (index $root.Values $key).service.port -}}
{{- end -}}

{{- define "flashkey.labels" -}}
helm.sh/chart: {{ include "flashkey.chart" . }}
app.kubernetes.io/name: {{ include "flashkey.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flashkey
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one service's objects. */}}
{{- define "flashkey.serviceLabels" -}}
{{ include "flashkey.labels" .root }}
app.kubernetes.io/component: {{ include "flashkey.component" . }}
{{- end -}}

{{/* Minimal, immutable selector of one service's pods. */}}
{{- define "flashkey.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flashkey.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ include "flashkey.component" . }}
{{- end -}}

{{- define "flashkey.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flashkey.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference of one service: registry/repository:tag (tag defaults to the chart's appVersion). */}}
{{- define "flashkey.image" -}}
{{- $img := .svc.image -}}
{{- $registry := default .root.Values.image.registry .root.Values.global.imageRegistry -}}
{{- $repository := default (include "flashkey.appName" .) $img.repository -}}
{{- $tag := default (default .root.Chart.AppVersion .root.Values.image.tag) $img.tag -}}
{{- if $img.digest -}}
{{- printf "%s/%s@%s" $registry $repository $img.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $registry $repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Which services talk to which infrastructure. */}}
{{- define "flashkey.usesDatabase" -}}
{{- if has .key (list "catalog" "inventory" "paymentCallback" "notification") -}}true{{- end -}}
{{- end -}}
{{- define "flashkey.usesRedis" -}}
{{- if has .key (list "gateway" "catalog" "inventory" "order") -}}true{{- end -}}
{{- end -}}
{{- define "flashkey.usesKafka" -}}
{{- if has .key (list "catalog" "inventory" "order" "paymentCallback" "notification") -}}true{{- end -}}
{{- end -}}
{{- define "flashkey.usesDeliveryKeys" -}}
{{- if has .key (list "inventory" "order" "notification") -}}true{{- end -}}
{{- end -}}

{{/* Most pods one service can run: maxReplicas under an HPA, else replicaCount; at least 1 (an int). */}}
{{- define "flashkey.maxReplicas" -}}
{{- max 1 (int (ternary .svc.autoscaling.maxReplicas .svc.replicaCount .svc.autoscaling.enabled)) -}}
{{- end -}}

{{/*
Plain (non-secret) environment of one service, kept in its ConfigMap and referenced with configMapKeyRef:
the hosts and ports the services read as DB_*, REDIS_*, KAFKA_BOOTSTRAP, plus PORT and the two switches.
*/}}
{{- define "flashkey.envConfig" -}}
{{- $v := .root.Values -}}
{{- $env := dict "PORT" (toString .svc.containerPort) "MANAGEMENT_SERVER_PORT" (toString $v.managementPort) "KUBERNETES_ENABLED" (toString $v.kubernetesEnabled) "OPENAPI_ENABLED" (toString $v.openapiEnabled) -}}
{{- if or (include "flashkey.usesDatabase" .) (eq .key "order") -}}
{{- $_ := set $env "DB_HOST" $v.database.host -}}
{{- $_ := set $env "DB_PORT" (toString $v.database.port) -}}
{{- $_ := set $env "DB_USER" $v.database.user -}}
{{- end -}}
{{- if include "flashkey.usesRedis" . -}}
{{- $_ := set $env "REDIS_HOST" $v.redis.host -}}
{{- $_ := set $env "REDIS_PORT" (toString $v.redis.port) -}}
{{- end -}}
{{- if include "flashkey.usesKafka" . -}}
{{- $_ := set $env "KAFKA_BOOTSTRAP" $v.kafka.bootstrap -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* Everything in a service's ConfigMap; its hash rolls the pods on change. */}}
{{- define "flashkey.configData" -}}
{{ include "flashkey.envConfig" . }}
application.yml: |
  {{- include "flashkey.applicationYaml" . | nindent 2 }}
{{- end -}}

{{/*
Spring configuration of one service, rendered into its ConfigMap as application.yml. Chart-derived settings
first, then the service's `config` values merged over them (values win).
*/}}
{{- define "flashkey.applicationYaml" -}}
{{- $root := .root -}}{{- $v := $root.Values -}}
{{- $flashkey := dict "kafka" (dict "topic-prefix" $v.kafka.topicPrefix) "redis" (dict "key-prefix" $v.redis.keyPrefix) -}}
{{- /* admin token checks, the same in every service (the secret comes from jwt.existingSecret) */ -}}
{{- $_ := set $flashkey "security" (dict "audience" $v.jwt.audience "max-token-lifetime" $v.jwt.maxTokenLifetime) -}}
{{- if include "flashkey.usesDeliveryKeys" . -}}
{{- $_ := set $flashkey "delivery" (dict "active-key-id" $v.deliveryKeys.activeKeyId) -}}
{{- end -}}
{{- if eq .key "order" -}}
{{- $overrides := dict -}}
{{- range $i, $shard := $v.orderShards.shards -}}
{{- $host := printf "%s:%v" $shard.host (default 3306 $shard.port) -}}
{{- $db := default (printf "orders_%d" $i) $shard.database -}}
{{- $_ := set $overrides (toString $i) (dict
      "r2dbc-url" (printf "r2dbc:mysql://%s/%s?connectionTimeZone=UTC" $host $db)
      "jdbc-url" (printf "jdbc:mariadb://%s/%s?createDatabaseIfNotExist=true" $host $db)) -}}
{{- end -}}
{{- $_ := set $flashkey "order" (dict
      "catalog-url" (include "flashkey.urlOf" (list $root "catalog"))
      "inventory-url" (include "flashkey.urlOf" (list $root "inventory"))
      "payment-page-url" $v.publicUrls.paymentPage
      "shards" (dict "count" (len $v.orderShards.shards) "username" "${DB_USER}" "password" "${DB_PASSWORD:}" "overrides" $overrides)) -}}
{{- else if eq .key "inventory" -}}
{{- /* the keys themselves come from inventoryCodeKeys.existingSecret (configtree) */ -}}
{{- $_ := set $flashkey "inventory" (dict "catalog-url" (include "flashkey.urlOf" (list $root "catalog"))
      "codes" (dict "active-key-id" $v.inventoryCodeKeys.activeKeyId)) -}}
{{- else if eq .key "paymentCallback" -}}
{{- /* the provider secrets come from paymentCallback.existingSecret (configtree) */ -}}
{{- $_ := set $flashkey "payment" (dict "reconciliation" (dict "query-url" $v.paymentProvider.queryUrl)) -}}
{{- else if eq .key "notification" -}}
{{- $_ := set $flashkey "notification" (dict "order-page-url" $v.publicUrls.orderPage) -}}
{{- else if eq .key "gateway" -}}
{{- /* route targets: flashkey.gateway.services.{catalog,inventory,order,payment} */ -}}
{{- $services := dict
      "catalog" (include "flashkey.urlOf" (list $root "catalog"))
      "inventory" (include "flashkey.urlOf" (list $root "inventory"))
      "order" (include "flashkey.urlOf" (list $root "order"))
      "payment" (include "flashkey.urlOf" (list $root "paymentCallback")) -}}
{{- /* X-Forwarded-For is believed only from the ingress controller's pods; the rest are clients (validateValues
       refuses an ingress without them). */ -}}
{{- $gateway := dict "services" $services "simulator-enabled" $v.paymentSimulatorEnabled
      "trusted-proxies" (default (list) $v.ingress.trustedProxies) -}}
{{- /* While Redis is down each replica admits global-limit / local-fallback-replicas on its own. The HPA may run up to
       maxReplicas, so that is the divisor that never lets the sum pass the global cap (fewer pods admit less). */ -}}
{{- $_ := set $gateway "rate-limit" (dict "local-fallback-replicas" (include "flashkey.maxReplicas" . | int)) -}}
{{- $_ := set $flashkey "gateway" $gateway -}}
{{- end -}}
{{- $base := dict "flashkey" $flashkey
      "spring" (dict "cloud" (dict "kubernetes" (dict "discovery" (dict "all-namespaces" false))))
      "management" (dict "endpoint" (dict "health" (dict "probes" (dict "enabled" true)))) -}}
{{- if $v.otel.enabled -}}
{{- $_ := set $base "management" (dict "endpoint" (dict "health" (dict "probes" (dict "enabled" true))) "tracing" (dict "sampling" (dict "probability" $v.otel.samplingRatio))) -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite $base (deepCopy (default dict .svc.config))) -}}
{{- end -}}

{{/*
Fails rendering with one clear message per wrong combination of values.
*/}}
{{- define "flashkey.validateValues" -}}
{{- $messages := list -}}
{{- $v := .Values -}}
{{- range $key := include "flashkey.serviceKeys" . | splitList " " -}}
{{- $svc := index $v $key -}}
{{- if $svc.enabled -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- $messages = append $messages (printf "%s.autoscaling.minReplicas (%v) must not exceed %s.autoscaling.maxReplicas (%v)" $key $svc.autoscaling.minReplicas $key $svc.autoscaling.maxReplicas) -}}
{{- end -}}
{{- $replicas := ternary $svc.autoscaling.minReplicas $svc.replicaCount $svc.autoscaling.enabled -}}
{{- if and $svc.pdb.create $svc.pdb.minAvailable (ge (int $svc.pdb.minAvailable) (int $replicas)) -}}
{{- $messages = append $messages (printf "%s.pdb.minAvailable (%v) must be below its replica count (%v), or no node could ever be drained" $key $svc.pdb.minAvailable $replicas) -}}
{{- end -}}
{{- if not (and $svc.resources.requests $svc.resources.limits) -}}
{{- $messages = append $messages (printf "%s.resources needs requests and limits (the HPA scales on the CPU request; the JVM sizes its heap from the memory limit)" $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $shutdown := int .Values.springShutdownSeconds -}}
{{- $grace := int .Values.terminationGracePeriodSeconds -}}
{{- $preStop := int .Values.preStopSleepSeconds -}}
{{- if le $grace (add $preStop $shutdown) -}}
{{- $messages = append $messages (printf "terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds (%d) + springShutdownSeconds (%d), or pods are killed mid-drain" $grace $preStop $shutdown) -}}
{{- end -}}
{{- if and .Values.order.enabled (eq (len .Values.orderShards.shards) 0) -}}
{{- $messages = append $messages "orderShards.shards must list at least one database (host) for order-service" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.hostname) -}}
{{- $messages = append $messages "ingress.hostname is required when ingress.enabled=true" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.trustedProxies) -}}
{{- $messages = append $messages "ingress.trustedProxies is required when ingress.enabled=true: list the addresses (CIDRs) the ingress controller's pods connect from; without them the gateway sees every shopper as the controller, and the per-client limits (orders per second, lookups per minute) throttle the whole shop as one client" -}}
{{- end -}}
{{- range $cidr := default (list) .Values.ingress.trustedProxies -}}
{{- if has (trim $cidr) (list "0.0.0.0/0" "::/0") -}}
{{- $messages = append $messages (printf "ingress.trustedProxies must not contain %s: every client could then choose its own address for the rate limits by sending X-Forwarded-For" $cidr) -}}
{{- end -}}
{{- end -}}
{{- /* The services refuse to start without these (their StartupCheck); say so at install time instead. */ -}}
{{- if and (or .Values.inventory.enabled .Values.order.enabled .Values.notification.enabled) (not .Values.deliveryKeys.existingSecret) -}}
{{- $messages = append $messages "deliveryKeys.existingSecret is required: inventory, order and notification read flashkey.delivery.keys.<id> from it" -}}
{{- end -}}
{{- if and .Values.inventory.enabled (not .Values.inventoryCodeKeys.existingSecret) -}}
{{- $messages = append $messages "inventoryCodeKeys.existingSecret is required: inventory reads flashkey.inventory.codes.keys.<id> and flashkey.inventory.codes.hmac-key from it" -}}
{{- end -}}
{{- if and .Values.paymentCallback.enabled (not .Values.paymentCallback.existingSecret) -}}
{{- $messages = append $messages "paymentCallback.existingSecret is required: payment-callback reads flashkey.payment.providers.simpay.secrets from it" -}}
{{- end -}}
{{- if and .Values.paymentCallback.enabled (not .Values.paymentProvider.queryUrl) -}}
{{- $messages = append $messages "paymentProvider.queryUrl is required: reconciliation asks the provider's query API about payments whose webhook never arrived" -}}
{{- end -}}
{{- if not .Values.gateway.enabled -}}
{{- $messages = append $messages "gateway.enabled=false leaves no way in: the gateway is the only service that takes outside traffic" -}}
{{- end -}}
{{- if $messages -}}
{{- printf "\nVALUES VALIDATION:\n%s" (join "\n" $messages) | fail -}}
{{- end -}}
{{- end -}}
