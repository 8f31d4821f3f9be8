#!/usr/bin/env bash
# Builds a local stand-in for the public node:20-bookworm-slim image (debootstrap minbase + this machine's Node and npm), cached by tag.
# CI cannot pull from any registry, so the project image is built FROM this one via --build-arg BASE_IMAGE.
# Usage: container/build-base-image.sh [tag]   (prints the tag on stdout; progress on stderr)
set -euo pipefail

node_bin="$(command -v node)"
node_version="$("$node_bin" --version)"
case "$node_version" in
  v20.*) ;;
  *) echo "build-base-image: Node 20 is expected on this machine, found $node_version at $node_bin" >&2; exit 1 ;;
esac
tag="${1:-lambda-ml-base:bookworm-node-${node_version#v}}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build-base-image: $tag is cached" >&2
  echo "$tag"
  exit 0
fi

# The Debian mirror this machine already uses (deb822 "URIs:" or one-line "deb URL bookworm" form).
mirror="$(grep -rhoE '^URIs: *http[^ ]*/debian/?$' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | head -n1 | sed -E 's/^URIs: *//' || true)"
if [ -z "$mirror" ]; then
  mirror="$(grep -rhoE '^deb +http[^ ]*/debian/? +bookworm' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | head -n1 | awk '{print $2}' || true)"
fi
if [ -z "$mirror" ]; then
  echo "build-base-image: no Debian mirror found in /etc/apt/sources.list*" >&2
  exit 1
fi

work="$(mktemp -d /tmp/lambda-ml-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "build-base-image: debootstrap minbase bookworm from $mirror" >&2
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "build-base-image: debootstrap failed" >&2
  exit 1
}

# Same layout as the official node image: /usr/local/bin/node and npm under /usr/local/lib/node_modules.
npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
install -m 0755 "$(readlink -f "$node_bin")" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# Trust what this machine trusts: the build stage runs `npm ci`, and where the registry is reached
# through a TLS-inspecting proxy, its CA is in the host bundle (minbase has no ca-certificates at all).
ca_env=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
# Slim the rootfs: apt lists, docs and caches are not needed to run Node.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
chroot "$rootfs" /usr/local/bin/node --version >/dev/null

echo "build-base-image: importing as $tag" >&2
tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "${ca_env[@]}" --change 'CMD ["node"]' - "$tag" >/dev/null
echo "$tag"
