/**
 * `mychart`: the realistic test chart of helm-rendering.md §2, built in the test (the shared test data has no
 * copy). It exercises every template feature that decides which images oc-mirror finds:
 *
 * - the app image `repository:tag | default .Chart.AppVersion`;
 * - `_helpers.tpl` helpers (`fullname` with trunc/trimSuffix/contains/printf; an image helper building
 *   `registry/repo@digest` from a `dict`, with variable reassignment and `toString`; a labels helper that
 *   reassigns a variable inside `range`, which go-template-js 0.9.0 gets wrong without the engine fix);
 * - `toYaml | nindent`, `.Files.Get | sha256sum`, `.Files.Glob … .AsConfig`, `include` of a whole file by path,
 *   a `range` over sidecars that reads `$`, `if metrics.enabled` (true), `if debug.enabled` (false);
 * - `tpl` applied to a string value;
 * - a CronJob using `lookup`, `.Capabilities.APIVersions.Has` and `required` (its image is not on a default
 *   path);
 * - a pre-install hook Job and a `tests/` Pod hook, a CRD (raw, never rendered), NOTES.txt (not YAML, dropped);
 * - an aliased subchart with a condition (`cache` as `redis`, a nested `.tgz`) whose tag the parent overrides
 *   and which reads the parent's `global`; a subchart disabled by a condition and one disabled by a tag; an
 *   undeclared library subchart whose helper the parent includes.
 */
import { packChart, type ChartTree } from './chart-builder.js';

export const INIT_DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** Images oc-mirror finds in mychart (helm-rendering.md §2). */
export const MYCHART_IMAGES = [
  `registry.example.com/tools/init@${INIT_DIGEST}`,
  'quay.io/example/app:1.2.3',
  'quay.io/example/app-helper:1.2.3',
  'quay.io/example/log-shipper:2.0',
  'docker.io/envoyproxy/envoy:v1.29.1',
  'quay.io/prometheus/statsd-exporter:v0.26.0',
  'docker.io/bitnami/redis:7.2.4',
];

/** Images in hook resources only. */
export const MYCHART_HOOK_IMAGES = ['quay.io/example/migrate:1.0', 'quay.io/example/conn-test:1.0'];

/** Images that must never be found: off-path (CronJob), disabled by condition, tag or `if`. */
export const MYCHART_ABSENT = [
  'quay.io/example/cron:1.0',
  'quay.io/example/debug:9.9',
  'quay.io/example/optional:1.0',
  'quay.io/example/tagged:1.0',
];

export const APP_CONF = 'listen 8080\nworkers 4\n';

const CHART_YAML = `apiVersion: v2
name: mychart
description: A realistic chart for image extraction tests
type: application
version: 0.1.0
appVersion: "1.2.3"
annotations:
  artifacthub.io/images: |
    - name: app
      image: quay.io/example/app:1.2.3
dependencies:
  - name: cache
    alias: redis
    version: ">=1.0.0 <2.0.0"
    condition: redis.enabled
  - name: optional
    version: 0.1.0
    condition: optional.enabled
  - name: tagged
    version: 0.1.0
    tags:
      - extras
`;

const VALUES_YAML = `nameOverride: ""
image:
  repository: quay.io/example/app
  tag: ""
initImage:
  registry: registry.example.com
  repository: tools/init
  digest: ${INIT_DIGEST}
helperImage: "{{ .Values.image.repository }}-helper:{{ .Chart.AppVersion }}"
extraLabels:
  team: payments
  tier: backend
sidecars:
  - name: log-shipper
    image: quay.io/example/log-shipper:2.0
  - name: envoy
    image: docker.io/envoyproxy/envoy:v1.29.1
metrics:
  enabled: true
  image: quay.io/prometheus/statsd-exporter:v0.26.0
debug:
  enabled: false
  image: quay.io/example/debug:9.9
cronjob:
  schedule: "*/5 * * * *"
  image: quay.io/example/cron:1.0
resources:
  limits:
    cpu: 100m
    memory: 128Mi
global:
  imageRegistry: docker.io
redis:
  enabled: true
  image:
    tag: 7.2.4
optional:
  enabled: false
tags:
  extras: false
`;

const HELPERS = `{{/* Common helpers */}}
{{- define "mychart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mychart.fullname" -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mychart.image" -}}
{{- $ref := printf "%s/%s" .registry .repository -}}
{{- if .digest -}}
{{- $ref = printf "%s@%s" $ref (.digest | toString) -}}
{{- else -}}
{{- $ref = printf "%s:%s" $ref (.tag | toString) -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{- define "mychart.labels" -}}
{{- $labels := dict "app.kubernetes.io/name" (include "mychart.name" .) -}}
{{- range $key, $value := .Values.extraLabels -}}
{{- $labels = merge $labels (dict $key $value) -}}
{{- end -}}
{{- toYaml $labels -}}
{{- end -}}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "mychart.fullname" . }}
  labels:
    {{- include "mychart.labels" . | nindent 4 }}
  annotations:
    template: {{ .Template.Name }}
    kube: {{ .Capabilities.KubeVersion | quote }}
    library: {{ include "lib.greeting" . | quote }}
spec:
  replicas: 1
  template:
    metadata:
      annotations:
        checksum/config: {{ .Files.Get "files/app.conf" | sha256sum }}
        checksum/configmap: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    spec:
      initContainers:
        - name: init
          image: {{ include "mychart.image" (dict "registry" .Values.initImage.registry "repository" .Values.initImage.repository "digest" .Values.initImage.digest) }}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
        - name: helper
          image: {{ tpl .Values.helperImage . | quote }}
        {{- range .Values.sidecars }}
        - name: {{ .name }}
          image: {{ .image }}
          env:
            - name: CHART
              value: {{ $.Chart.Name | quote }}
        {{- end }}
        {{- if .Values.metrics.enabled }}
        - name: metrics
          image: {{ .Values.metrics.image }}
        {{- end }}
        {{- if .Values.debug.enabled }}
        - name: debug
          image: {{ .Values.debug.image }}
        {{- end }}
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mychart.fullname" . }}-config
data:
  app.conf: |
    {{- .Files.Get "files/app.conf" | nindent 4 }}
{{ (.Files.Glob "files/extra.*").AsConfig | indent 2 }}
`;

const CRONJOB = `{{- if .Capabilities.APIVersions.Has "batch/v1" }}
apiVersion: batch/v1
{{- else }}
apiVersion: batch/v1beta1
{{- end }}
kind: CronJob
metadata:
  name: {{ include "mychart.fullname" . }}-cron
  {{- $existing := lookup "v1" "Secret" .Release.Namespace "cron-secret" }}
  annotations:
    existing-secret: {{ if $existing }}"yes"{{ else }}"no"{{ end }}
spec:
  schedule: {{ required "cronjob.schedule is required" .Values.cronjob.schedule | quote }}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cron
              image: {{ .Values.cronjob.image }}
`;

const HOOK_JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "mychart.fullname" . }}-migrate
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-weight": "-5"
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: quay.io/example/migrate:1.0
`;

const TEST_POD = `apiVersion: v1
kind: Pod
metadata:
  name: "{{ include "mychart.fullname" . }}-test-connection"
  annotations:
    "helm.sh/hook": test
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: quay.io/example/conn-test:1.0
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: "never rendered: {{ .Values.image.repository }}"
`;

const NOTES = `Thank you for installing {{ .Chart.Name }}.
  This: is: not: YAML: {{ .Release.Name }}
- and it is dropped anyway
`;

async function cacheSubchart(): Promise<Buffer> {
  return packChart('cache', {
    'Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 1.4.0\nappVersion: "7.0.0"\n',
    'values.yaml': 'global:\n  imageRegistry: ""\nimage:\n  repository: bitnami/redis\n  tag: 7.0.0\n',
    'templates/_helpers.tpl': '{{- define "mychart.name" -}}overridden-by-parent{{- end -}}\n',
    'templates/statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
  labels:
    chart: {{ .Chart.Name }}
spec:
  template:
    spec:
      containers:
        - name: redis
          image: {{ printf "%s/%s:%s" .Values.global.imageRegistry .Values.image.repository .Values.image.tag }}
`,
  });
}

function disabledSubchart(name: string): ChartTree {
  return {
    [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    [`charts/${name}/templates/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: ${name}
          image: quay.io/example/${name}:1.0
`,
  };
}

/** The whole chart as files (the `cache` subchart as a nested `.tgz`). */
export async function mychartTree(): Promise<ChartTree> {
  return {
    'Chart.yaml': CHART_YAML,
    'values.yaml': VALUES_YAML,
    '.helmignore': '*.bak\nscratch/\n',
    'README.md.bak': 'ignored by .helmignore when loaded from a directory',
    'files/app.conf': APP_CONF,
    'files/extra.conf': 'extra true\n',
    'crds/widgets.yaml': CRD,
    'templates/_helpers.tpl': HELPERS,
    'templates/deployment.yaml': DEPLOYMENT,
    'templates/configmap.yaml': CONFIGMAP,
    'templates/cronjob.yaml': CRONJOB,
    'templates/migrate-job.yaml': HOOK_JOB,
    'templates/tests/test-connection.yaml': TEST_POD,
    'templates/NOTES.txt': NOTES,
    'charts/cache-1.4.0.tgz': await cacheSubchart(),
    ...disabledSubchart('optional'),
    ...disabledSubchart('tagged'),
    'charts/lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.0.1\ntype: library\n',
    'charts/lib/templates/_lib.tpl': '{{- define "lib.greeting" -}}hello from {{ .Chart.Name }}{{- end -}}\n',
    'charts/lib/templates/ignored.yaml': 'a library chart renders only its partials: {{ fail "never" }}\n',
  };
}
