#!/bin/bash
# Starts standalone HBase, then adds Rewind's replication peer (once) and keeps running.
set -euo pipefail
: "${REWIND_BOOTSTRAP_SERVERS:?set REWIND_BOOTSTRAP_SERVERS}"
"$HBASE_HOME/bin/hbase-daemon.sh" --config "$HBASE_HOME/conf" foreground_start master &
hbase_pid=$!
trap 'kill $hbase_pid; wait $hbase_pid' TERM INT
until echo "status" | "$HBASE_HOME/bin/hbase" shell -n >/dev/null 2>&1; do sleep 2; done
if ! echo "list_peers" | "$HBASE_HOME/bin/hbase" shell -n 2>/dev/null | grep -q '^ *rewind '; then
  "$HBASE_HOME/bin/hbase" shell -n <<SHELL
add_peer 'rewind', ENDPOINT_CLASSNAME => 'io.rewind.producer.hbase.KafkaBackupEndpoint',
  CONFIG => { 'bootstrap.servers' => '${REWIND_BOOTSTRAP_SERVERS}',
              'topic.prefix' => '${REWIND_TOPIC_PREFIX:-rewind.}',
              'registry.url' => '${REWIND_REGISTRY_URL:-}',
              'checkpoint.margin.ms' => '${REWIND_CHECKPOINT_MARGIN_MS:-500}' }
SHELL
fi
touch /var/lib/hbase/peer-added
wait $hbase_pid
