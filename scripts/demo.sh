#!/usr/bin/env bash
# The demo on built-in defaults: builds a busybox image without network, starts a local registry (wharf's own), pushes to it,
# pulls it back, runs containers from it (--rm, -d, ps, exec, logs, stop, rm, diff, commit), builds an image from a Dockerfile on it
# (and again, from the cache), saves and loads, lets the docker CLI (if installed) in through `wharf serve`, then removes
# and prunes, on a throwaway data root.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
registry_pid=
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [[ -n $registry_pid ]] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export WHARF_ROOT="$work/root" DOCKER_CONFIG="$work/docker-config"
wharf() { bin/wharf "$@"; }
step() { printf '\n$ wharf %s\n' "$*"; wharf "$@"; }

node_modules/.bin/node scripts/make-busybox-archive.ts "$work/busybox.tar" busybox:latest
port=$(node_modules/.bin/node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
registry=127.0.0.1:$port
printf '\n$ wharf registry serve --addr %s --root %s &\n' "$registry" "$work/registry"
bin/wharf registry serve --addr "$registry" --root "$work/registry" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -fs "http://$registry/v2/" >/dev/null && break; sleep 0.1; done

step load -i "$work/busybox.tar"
step tag busybox:latest "$registry/demo/busybox:v1"
step push "$registry/demo/busybox:v1"
step rmi busybox:latest "$registry/demo/busybox:v1"
step images
step pull "$registry/demo/busybox:v1"
step images --digests
step inspect -f '{{.Id}} {{json .RepoDigests}} {{json .Config.Cmd}}' "$registry/demo/busybox:v1"
step history "$registry/demo/busybox:v1"
step run --rm "$registry/demo/busybox:v1" echo hello from a container
step run -d --name demo "$registry/demo/busybox:v1" sh -c 'echo started; while true; do sleep 1; done'
step ps
step exec demo cat /app/hello.sh
step logs demo
step stop -t 1 demo
step ps -a --format '{{.Names}} {{.Status}}'
step rm demo
step run --name edited "$registry/demo/busybox:v1" sh -c 'echo new > /new; rm /etc/motd'
step diff edited
step commit -m 'a file added, one removed' -c 'CMD ["cat", "/new"]' edited demo/edited:1
step run --rm demo/edited:1
step rm edited
step rmi demo/edited:1
mkdir -p "$work/app"
printf 'hello from a built image\n' >"$work/app/greeting.txt"
printf 'FROM %s\nWORKDIR /srv\nCOPY greeting.txt .\nRUN wc -c greeting.txt > size.txt\nCMD ["cat", "/srv/greeting.txt", "/srv/size.txt"]\n' "$registry/demo/busybox:v1" >"$work/app/Dockerfile"
printf '\n$ cat Dockerfile\n'; cat "$work/app/Dockerfile"
step build -t demo/app:1 "$work/app"
step run --rm demo/app:1
step build -t demo/app:2 "$work/app"
step history demo/app:1
step rmi demo/app:1 demo/app:2
step save -o "$work/out.tar" "$registry/demo/busybox:v1"
ls -l "$work/out.tar"
step rmi "$registry/demo/busybox:v1"
step load -i "$work/out.tar"

# the real docker CLI, when there is one, against the same store through wharf's Engine API
if command -v docker >/dev/null; then
  printf '\n$ wharf serve -H unix://%s &\n' "$work/wharf.sock"
  bin/wharf serve -H "unix://$work/wharf.sock" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 100); do [[ -S $work/wharf.sock ]] && break; sleep 0.1; done
  docker_step() { printf '\n$ docker %s\n' "$*"; DOCKER_HOST="unix://$work/wharf.sock" docker "$@"; }
  docker_step version --format '{{.Server.Platform.Name}} speaks Engine API {{.Server.APIVersion}}'
  docker_step images
  docker_step run --rm "$registry/demo/busybox:v1" echo hello through the Engine API
  docker_step events --since 1m --until 0s --filter type=container --format '{{.Action}} {{.Actor.Attributes.name}}'
fi
step system df
step image prune -a -f
step images
