#!/bin/sh
# Creates Fengqiao's Temporal namespace with its retention and registers the search attributes the
# workflows write (workflows/dispute.messages.ts, SEARCH_ATTRIBUTES); idempotent. It runs at every
# `docker compose up` (in temporalio/admin-tools), as the Kubernetes Job of deploy/k8s/temporal-setup,
# or by hand against any self-hosted cluster with the Temporal CLI; test/deploy runs it against a dev
# server. Environment: TEMPORAL_ADDRESS (temporal:7233),
# TEMPORAL_NAMESPACE (fengqiao), TEMPORAL_RETENTION (30d), TEMPORAL_CLI (temporal).
# Temporal Cloud: namespaces and search attributes are made with tcld or the Cloud UI instead
# (docs/deploy.md).
set -eu
ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-fengqiao}
RETENTION=${TEMPORAL_RETENTION:-30d}
CLI=${TEMPORAL_CLI:-temporal}
# name:type, as `temporal operator search-attribute create --type` spells them.
ATTRIBUTES="FengqiaoStage:Keyword FengqiaoUnit:Keyword FengqiaoLevel:Keyword FengqiaoCaseNumber:Keyword FengqiaoNextDeadline:Datetime FengqiaoOverdue:Bool"

t() { "$CLI" --address "$ADDRESS" "$@"; }
# retry N CMD…: the namespace takes a few seconds to reach every frontend after it is created.
# Its output goes to $OUT; the last failure's is shown.
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
retry() {
  n=$1; shift; i=0
  until "$@" >"$OUT" 2>&1; do
    i=$((i + 1))
    if [ "$i" -ge "$n" ]; then
      cat "$OUT" >&2
      echo "temporal-namespace: 失败 / failed after $n attempts: $*" >&2
      return 1
    fi
    sleep 2
  done
}

echo "temporal-namespace: waiting for $ADDRESS"
retry 90 t operator cluster health
if t operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "temporal-namespace: namespace $NAMESPACE exists (retention unchanged; change it with: temporal operator namespace update --retention …)"
else
  t operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "temporal-namespace: namespace $NAMESPACE created, retention $RETENTION"
fi
for spec in $ATTRIBUTES; do
  name=${spec%%:*}
  type=${spec#*:}
  retry 30 t operator search-attribute list --namespace "$NAMESPACE"
  if grep -qw "$name" "$OUT"; then
    echo "temporal-namespace: $name exists"
  else
    retry 30 t operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
    echo "temporal-namespace: $name ($type) created"
  fi
done
echo "temporal-namespace: ready"
