#!/usr/bin/env bash
# Make sure this machine can run registry-lab's end-to-end tests: the docker CLI, a running
# docker daemon, the distribution registry, and tmux (the real-terminal tests run the app in it);
# podman and htpasswd are optional. Idempotent: it installs only what is missing (as root, with
# apt-get) and starts dockerd only if docker cannot reach one. It never touches the
# docker-registry *service* or port 5000: the tests start their own registries on free ports.
set -euo pipefail

say() { printf 'ensure-engine: %s\n' "$*"; }
warn() { printf 'ensure-engine: warning: %s\n' "$*" >&2; }
die() {
	printf 'ensure-engine: %s\n' "$*" >&2
	exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }
have_registry() { have docker-registry || have registry || [ -x /usr/bin/docker-registry ]; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- programs -----------------------------------------------------------------------------

required_packages=()
have docker || required_packages+=(docker.io)
# dockerd is needed only when no daemon answers (DOCKER_HOST may point at one elsewhere).
if have docker && ! have dockerd && ! docker info >/dev/null 2>&1; then required_packages+=(docker.io); fi
have_registry || required_packages+=(docker-registry)
have tmux || required_packages+=(tmux)
optional_packages=()
have podman || optional_packages+=(podman)
have htpasswd || optional_packages+=(apache2-utils)

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

if [ "${#required_packages[@]}" -gt 0 ] || [ "${#optional_packages[@]}" -gt 0 ]; then
	if is_root && have apt-get; then
		say "installing: ${required_packages[*]-} ${optional_packages[*]-}"
		apt-get update
		if [ "${#required_packages[@]}" -gt 0 ]; then
			apt_install "${required_packages[@]}" || die "apt-get could not install ${required_packages[*]}: see its output above."
		fi
		if [ "${#optional_packages[@]}" -gt 0 ]; then
			apt_install "${optional_packages[@]}" || warn "apt-get could not install ${optional_packages[*]} (optional, but the podman and htpasswd parts of the tests need them)."
		fi
	elif [ "${#required_packages[@]}" -gt 0 ]; then
		die "missing packages: ${required_packages[*]}. Install them as root: sudo apt-get install -y docker.io docker-registry tmux podman apache2-utils (on another system: Docker Engine, the distribution registry, https://distribution.github.io/distribution/, and tmux), then run this script again."
	else
		warn "optional, not installed: ${optional_packages[*]} (sudo apt-get install -y podman apache2-utils)."
	fi
fi

have docker || die "docker is still not on PATH after installing docker.io: check apt-get's output above."
have_registry || die "docker-registry is still not on PATH after installing it: check apt-get's output above."
have tmux || die "tmux is still not on PATH after installing it: check apt-get's output above."
have podman || warn "podman is not installed (optional)."
have htpasswd || warn "htpasswd is not installed (optional: apt-get install apache2-utils)."

# --- the daemon ---------------------------------------------------------------------------

docker_ok() { docker info >/dev/null 2>&1; }

wait_for_docker() { # seconds [pid]: 0 when docker answers, 1 on timeout, 2 when pid died
	local seconds=$1 pid=${2-}
	for ((i = 0; i < seconds; i++)); do
		docker_ok && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
		sleep 1
	done
	docker_ok
}

if docker_ok; then
	say "docker is running ($(docker version --format 'client {{.Client.Version}}, server {{.Server.Version}}' 2>/dev/null || echo 'version unknown'))."
	exit 0
fi

info_output=$(docker info 2>&1 || true)
if [[ "$info_output" == *"permission denied"* ]]; then
	die "docker's daemon is there but $(id -un) may not use it: add yourself to the docker group (sudo usermod -aG docker $(id -un), then log in again), or run as root."
fi

if pgrep -x dockerd >/dev/null 2>&1; then
	say "dockerd is running but docker does not answer yet; waiting up to 60 s."
	if wait_for_docker 60; then
		say "docker is running."
		exit 0
	fi
	is_root || die "dockerd is running but docker cannot use it as $(id -un): add yourself to the docker group (sudo usermod -aG docker $(id -un), then log in again), or run as root."
	die "dockerd is running but docker info keeps failing: $(docker info 2>&1 | tail -n 3)"
fi

is_root || die "docker's daemon is not running. Start it as root: sudo systemctl start docker (or: sudo bash scripts/ensure-engine.sh)."
have dockerd || die "dockerd is not installed: apt-get install -y docker.io, then run this script again."

log=/tmp/registry-lab-dockerd.log
# First as it comes; if it dies at once (no overlay or iptables inside some CI containers), once more with vfs storage and no iptables.
for flags in "" "--storage-driver=vfs --iptables=false"; do
	say "starting dockerd ${flags:+($flags) }in the background, log in $log"
	# setsid: a session of its own, so it outlives this script and the terminal; no stdio of ours.
	# shellcheck disable=SC2086
	setsid dockerd $flags </dev/null >"$log" 2>&1 &
	pid=$!
	disown "$pid" 2>/dev/null || true
	status=0
	wait_for_docker 60 "$pid" || status=$?
	if [ "$status" -eq 0 ]; then
		say "docker is running (dockerd pid $pid)."
		exit 0
	fi
	if [ "$status" -eq 1 ]; then
		printf '%s\n' "--- last lines of $log ---" >&2
		tail -n 40 "$log" >&2 || true
		die "dockerd did not answer within 60 s (it is still running as pid $pid). Its log is above."
	fi
	printf '%s\n' "--- dockerd stopped; last lines of $log ---" >&2
	tail -n 40 "$log" >&2 || true
done
die "dockerd could not be started (log above, full log in $log). Start it yourself as root (systemctl start docker, or dockerd) and run this script again."
