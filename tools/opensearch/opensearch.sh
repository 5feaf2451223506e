#!/usr/bin/env bash
# Runs a real single-node OpenSearch with Korean (nori) analysis for tests,
# built only from Maven Central artifacts (see README.md beside this file).
#
#   opensearch.sh install   build the nori plugin, assemble the node (idempotent)
#   opensearch.sh start     start the node on a free 127.0.0.1 port, wait for it,
#                           print its URL and write it to $SEARCHD_OPENSEARCH_HOME/url
#   opensearch.sh stop      stop it and delete its data
#   opensearch.sh status    print URL and cluster health; exit 1 when not running
#   opensearch.sh url       print the URL of the running node
#
# Environment:
#   SEARCHD_OPENSEARCH_HOME           where the node lives (default: .node beside this script)
#   SEARCHD_OPENSEARCH_HEAP           JVM heap, -Xms/-Xmx (default: 512m/1g)
#   SEARCHD_OPENSEARCH_START_TIMEOUT  seconds to wait for health (default: 180)
#   SEARCHD_OPENSEARCH_RUN_USER       user the node runs as when started by root
#                                     (OpenSearch refuses root; default: nobody)
#   SEARCHD_MAVEN_ARGS                extra Maven arguments, e.g. -Dmaven.repo.local=DIR
#   JAVA_HOME                         JDK 17+ (default: the one `java` on PATH belongs to)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=${SEARCHD_OPENSEARCH_HOME:-$here/.node}
version=$(sed -n 's:.*<opensearch.version>\(.*\)</opensearch.version>.*:\1:p' "$here/pom.xml")
node=$home/opensearch-$version

log() { echo "opensearch.sh: $*" >&2; }
die() { log "$*"; exit 1; }

java_home() {
	if [[ -n ${JAVA_HOME:-} ]]; then
		echo "$JAVA_HOME"
		return
	fi
	local java
	java=$(command -v java) || die "java not found: install a JDK 17+ or set JAVA_HOME"
	java=$(readlink -f "$java")
	dirname "$(dirname "$java")"
}

# Fingerprint of everything the installed node is built from.
inputs_hash() {
	(
		cd "$here"
		find . -path ./.node -prune -o -name target -prune -o -name '*.md' -o -type f -print |
			LC_ALL=C sort |
			xargs sha256sum
	) | sha256sum | cut -d' ' -f1
}

cmd_install() {
	local stamp=$home/installed want
	want=$(inputs_hash)
	if [[ -f $stamp && $(cat "$stamp") == "$want" && -x $node/bin/opensearch ]]; then
		log "OpenSearch $version with nori already installed in $node"
		return
	fi
	command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+"
	export JAVA_HOME
	JAVA_HOME=$(java_home)
	log "building the nori plugin and assembling OpenSearch $version (Maven Central)"
	# shellcheck disable=SC2086 # SEARCHD_MAVEN_ARGS is a list of arguments
	mvn -B -q -f "$here/pom.xml" ${SEARCHD_MAVEN_ARGS:-} package
	mkdir -p "$home"
	rm -rf "$node.new" "$stamp"
	cp -a "$here/node/target/opensearch-$version" "$node.new"
	OPENSEARCH_JAVA_HOME=$JAVA_HOME "$node.new/bin/opensearch-plugin" install --batch \
		"file://$here/analysis-nori/target/analysis-nori-$version.zip" >&2
	# Another user runs the node when we are root: it must read everything.
	chmod -R a+rX "$node.new"
	rm -rf "$node"
	mv "$node.new" "$node"
	echo "$want" >"$stamp"
	log "installed OpenSearch $version with nori in $node"
}

running_pid() {
	local pid
	[[ -f $home/pid ]] || return 1
	pid=$(cat "$home/pid")
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
	# A killed node can linger as a zombie until its parent reaps it.
	[[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]] || return 1
	echo "$pid"
}

cmd_start() {
	[[ -x $node/bin/opensearch ]] || die "not installed in $node: run '$0 install' first"
	if running_pid >/dev/null; then
		log "already running"
		cat "$home/url"
		return
	fi
	cmd_stop 2>/dev/null # a crashed earlier run leaves its temp dir and files
	local run heap=${SEARCHD_OPENSEARCH_HEAP:-}
	local timeout=${SEARCHD_OPENSEARCH_START_TIMEOUT:-180}
	run=$(mktemp -d "${TMPDIR:-/tmp}/searchd-opensearch.XXXXXX")
	echo "$run" >"$home/run"
	mkdir -p "$run/data" "$run/logs" "$run/tmp"
	cp -a "$node/config" "$run/config"
	# jvm.options puts gc.log, hs_err files and heap dumps under the node's
	# home (bin/opensearch runs there); keep them with this run instead. Do
	# not pre-touch the heap: the machine is shared with the tests.
	sed -i -e "s#file=logs/#file=$run/logs/#" -e "s#ErrorFile=logs/#ErrorFile=$run/logs/#" \
		-e "s#HeapDumpPath=data#HeapDumpPath=$run/data#" -e "/^-XX:+AlwaysPreTouch/d" \
		"$run/config/jvm.options"
	cat >>"$run/config/opensearch.yml" <<EOF

# Added by opensearch.sh: one throwaway test node on loopback.
cluster.name: searchd-test
node.name: searchd-test
discovery.type: single-node
network.host: 127.0.0.1
http.port: 0
transport.port: 0
node.portsfile: true
path.data: $run/data
path.logs: $run/logs
# Tests create and drop many small indices; a nearly full disk must not make
# them read-only.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
	local -a as_user=()
	local bin=$node/bin/opensearch
	if [[ $(id -u) == 0 ]]; then
		# OpenSearch refuses to run as root.
		local user=${SEARCHD_OPENSEARCH_RUN_USER:-nobody}
		as_user=(setpriv "--reuid=$user" "--regid=$(id -g "$user")" --clear-groups)
		if ! "${as_user[@]}" test -x "$bin"; then
			# The node's home is not reachable for that user (e.g. a clone
			# under /root): run a copy.
			log "$user cannot read $node; running a copy from $run/node"
			cp -a "$node" "$run/node"
			bin=$run/node/bin/opensearch
		fi
		chown -R "$user:" "$run"
	fi
	local xms=512m xmx=1g
	if [[ -n $heap ]]; then
		xms=${heap%/*} xmx=${heap#*/}
	fi
	log "starting OpenSearch $version (heap $xms..$xmx, data in $run)"
	OPENSEARCH_JAVA_HOME=$(java_home) \
		OPENSEARCH_PATH_CONF=$run/config \
		OPENSEARCH_TMPDIR=$run/tmp \
		OPENSEARCH_JAVA_OPTS="-Xms$xms -Xmx$xmx ${OPENSEARCH_JAVA_OPTS:-}" \
		HOME=$run \
		setsid "${as_user[@]}" "$bin" -p "$run/opensearch.pid" \
		>"$run/logs/stdout.log" 2>&1 </dev/null &
	local launcher=$! deadline=$((SECONDS + timeout)) url=""
	while ((SECONDS < deadline)); do
		if [[ -z $url && -s $run/logs/http.ports ]]; then
			url="http://$(head -n1 "$run/logs/http.ports")"
		fi
		if [[ -n $url ]] &&
			curl -fsS "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
			cat "$run/opensearch.pid" >"$home/pid"
			echo "$url" >"$home/url"
			log "OpenSearch $version is up at $url after ${SECONDS}s (pid $(cat "$home/pid"))"
			echo "$url"
			return
		fi
		if ! kill -0 "$launcher" 2>/dev/null; then
			tail -n 40 "$run/logs/stdout.log" >&2 || true
			die "OpenSearch exited during start; logs in $run/logs"
		fi
		sleep 0.5
	done
	tail -n 40 "$run/logs/stdout.log" >&2 || true
	kill "$launcher" 2>/dev/null || true
	die "OpenSearch did not become healthy within ${timeout}s; logs in $run/logs"
}

cmd_stop() {
	local pid
	if pid=$(running_pid); then
		kill "$pid"
		for _ in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "pid $pid did not stop in 30s; killing it"
			kill -9 "$pid" 2>/dev/null || true
		fi
		log "stopped pid $pid"
	else
		log "not running"
	fi
	if [[ -f $home/run ]]; then
		local run
		run=$(cat "$home/run")
		[[ $run == */searchd-opensearch.* ]] && rm -rf "$run"
	fi
	rm -f "$home/pid" "$home/url" "$home/run"
}

cmd_status() {
	running_pid >/dev/null || {
		echo "not running"
		return 1
	}
	local url
	url=$(cat "$home/url")
	echo "$url"
	curl -fsS "$url/_cluster/health" || return 1
	echo
}

cmd_url() {
	running_pid >/dev/null || die "not running"
	cat "$home/url"
}

case ${1:-} in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
url) cmd_url ;;
*)
	echo "usage: $0 install|start|stop|status|url" >&2
	exit 2
	;;
esac
