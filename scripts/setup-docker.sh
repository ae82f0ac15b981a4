#!/usr/bin/env bash
# Give this machine a Docker engine and the shoal test image, for the runtime tests and CI.
#
# Idempotent, run as root: an engine that already answers on the socket is reused, packages that
# are installed are not reinstalled (docker.io, busybox-static, curl, docker-registry), a stale
# pid file is removed, and the image is rebuilt only when its recipe version changed.
# No image registry is reachable from the test machines, so the test image is imported from a
# root filesystem holding the static busybox and its applet links.
#
# Environment: DOCKER_SOCK (default /var/run/docker.sock), DOCKERD_LOG (default
# /var/log/shoal-dockerd.log), DOCKERD_WAIT_SECONDS (default 60), TEST_IMAGE (default
# shoal-test/busybox:latest).
set -euo pipefail

SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
PIDFILE=/var/run/docker.pid
LOG="${DOCKERD_LOG:-/var/log/shoal-dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"
IMAGE="${TEST_IMAGE:-shoal-test/busybox:latest}"
APPLETS="sh sleep httpd nc echo cat ls wget true false env printf kill mkdir rm touch head tail seq yes ps id hostname grep wc date test pwd"
# Bump when APPLETS or the image layout changes, so existing machines rebuild the image.
IMAGE_VERSION=2

say() { echo "setup-docker: $*"; }
die() { echo "setup-docker: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = "0" ] || die "must run as root (try: sudo bash $0)"

# Two engineers or two CI steps may run this at once; one engine start at a time.
exec 9>/var/lock/shoal-setup-docker.lock
flock -w 120 9 || die "another setup-docker.sh holds /var/lock/shoal-setup-docker.lock"

engine_answers() {
  curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  # The image needs the static build: Debian's plain busybox package also installs /bin/busybox.
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # A local registry on 127.0.0.1 lets the tests exercise a real image pull.
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  if [ "${#missing[@]}" -eq 0 ]; then
    say "packages present (dockerd, busybox-static, curl, docker-registry)"
    return
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

remove_stale_pidfile() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/comm" 2>/dev/null; then
    return 0
  fi
  say "removing stale $PIDFILE (pid ${pid:-none} is not a running dockerd)"
  rm -f "$PIDFILE"
}

running_dockerd_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

start_engine() {
  remove_stale_pidfile
  local pid
  pid="$(running_dockerd_pid)"
  if [ -n "$pid" ]; then
    say "dockerd (pid $pid) is running but not answering yet; waiting for it"
  else
    say "starting dockerd (log: $LOG)"
    mkdir -p "$(dirname "$LOG")"
    # No bridge and no iptables: test containers use the host network, and the machines forbid
    # touching private address ranges.
    # 9>&-: the engine must not inherit the lock, or it would hold it for its whole life.
    nohup dockerd --host "unix://$SOCK" --bridge=none --iptables=false >>"$LOG" 2>&1 </dev/null 9>&- &
    pid=$!
  fi
  local deadline=$((SECONDS + WAIT_SECONDS))
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG" >&2 || true
      die "dockerd exited before its socket answered; see $LOG"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$LOG" >&2 || true
      die "dockerd did not answer on $SOCK within ${WAIT_SECONDS}s; see $LOG"
    fi
    sleep 0.5
  done
  say "engine answers on $SOCK (dockerd pid $pid)"
}

build_test_image() {
  local have
  have="$(docker -H "unix://$SOCK" image inspect -f '{{index .Config.Labels "shoal.io/test-image-version"}}' "$IMAGE" 2>/dev/null || true)"
  if [ "$have" = "$IMAGE_VERSION" ]; then
    say "image $IMAGE present (version $IMAGE_VERSION)"
    return
  fi
  local old
  old="$(docker -H "unix://$SOCK" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  say "building $IMAGE from /bin/busybox"
  local root
  root="$(mktemp -d)"
  trap 'rm -rf "$root"; trap - RETURN' RETURN
  mkdir -p "$root/bin" "$root/tmp" "$root/www" "$root/etc"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $APPLETS; do ln -s busybox "$root/bin/$applet"; done
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | docker -H "unix://$SOCK" import \
    --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' \
    --change "LABEL shoal.io/test-image-version=$IMAGE_VERSION" - "$IMAGE" >/dev/null
  # The previous build, now untagged; kept if a container still uses it.
  if [ -n "$old" ]; then docker -H "unix://$SOCK" rmi "$old" >/dev/null 2>&1 || true; fi
  say "image $IMAGE built (version $IMAGE_VERSION)"
}

install_packages
if engine_answers; then
  say "reusing the engine that answers on $SOCK"
else
  start_engine
fi
build_test_image
docker -H "unix://$SOCK" version --format 'setup-docker: engine {{.Server.Version}}, API {{.Server.APIVersion}}'
