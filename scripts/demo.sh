#!/usr/bin/env bash
# The demo on built-in defaults: builds a busybox image without network, then loads, lists, tags, inspects, saves and removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WHARF_ROOT="$work/root"
wharf() { bin/wharf "$@"; }
step() { printf '\n$ wharf %s\n' "$*"; wharf "$@"; }

node_modules/.bin/node scripts/make-busybox-archive.ts "$work/busybox.tar" busybox:latest
step load -i "$work/busybox.tar"
step images
step tag busybox:latest registry.example:5000/team/busybox:v1
step image ls --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}'
step inspect -f '{{.Size}} {{json .Config.Cmd}}' busybox
step history busybox
step save -o "$work/out.tar" busybox registry.example:5000/team/busybox:v1
ls -l "$work/out.tar"
step rmi busybox registry.example:5000/team/busybox:v1
step load -i "$work/out.tar"
step system df
step image prune -a -f
step images
