#!/usr/bin/env bash
# End-to-end check of the function image: base image from debootstrap, project image built with the
# model trained inside, container run on a loopback port, the tutorial request answered, non-root,
# reproducible model digest, no package manager inside. Needs root (dockerd, debootstrap) and `npm run build`.
# Prints one line `E2E-RESULT {json}` with the figures; exits non-zero on the first failed check.
# Host networking only: dockerd runs without its default bridge, builds and runs use --network=host.
set -euo pipefail
cd "$(dirname "$0")/.."

# A tag of its own per run (removed at the end), so concurrent runs never test each other's image.
image="${E2E_IMAGE:-lambda-ml:e2e-$$}"
work="$(mktemp -d /tmp/lambda-ml-e2e.XXXXXX)"
dockerd_pid=""
container=""
export DOCKER_BUILDKIT=0 # the classic builder: Debian's docker.io ships no buildx plugin

log() { printf 'container-e2e: %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

cleanup() {
  if [ -n "$container" ]; then docker rm -f "$container" >/dev/null 2>&1 || true; fi
  if [ -z "${E2E_IMAGE:-}" ]; then docker rmi "$image" >/dev/null 2>&1 || true; fi
  if [ -n "$dockerd_pid" ]; then
    log "stopping the dockerd this script started (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT # run cleanup (stop dockerd) when the test harness stops this script

start_dockerd() {
  if docker info >/dev/null 2>&1; then return; fi
  command -v dockerd >/dev/null || die "dockerd not found: install Debian's docker.io"
  log "starting dockerd (no default bridge, no iptables)"
  dockerd --bridge=none --iptables=false --ip6tables=false >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && return
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -n 20 "$work/dockerd.log" >&2; die "dockerd exited"; }
    sleep 0.2
  done
  die "dockerd did not answer within 20 s"
}

free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start_dockerd
base="$(container/build-base-image.sh)"
log "base image $base"

[ -f dist/cli/main.js ] || die "dist/ is missing: run npm run build first"
node dist/cli/main.js train --config config/default-training.json --out "$work/model.json" >/dev/null
local_sha="$(sha256sum "$work/model.json" | cut -d' ' -f1)"
log "local training run: model sha256 $local_sha"


started=$(date +%s%N)
docker build --force-rm --network=host -f container/Dockerfile --build-arg BASE_IMAGE="$base" \
  --build-arg MODEL_SHA256="$local_sha" -t "$image" . >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; die "docker build failed"; }
build_ms=$(( ($(date +%s%N) - started) / 1000000 ))
size_bytes=$(docker image inspect -f '{{.Size}}' "$image")
base_size_bytes=$(docker image inspect -f '{{.Size}}' "$base")
label_sha=$(docker image inspect -f '{{ index .Config.Labels "org.lambda-ml.model.sha256" }}' "$image")
log "built $image in ${build_ms} ms, ${size_bytes} bytes (base ${base_size_bytes})"
[ "$label_sha" = "$local_sha" ] || die "image label sha256 '$label_sha' != local training run '$local_sha'"

# Bad input (cheap now that the dependency layer is cached): a missing training config must name the file.
if docker build --force-rm --network=host -f container/Dockerfile --build-arg BASE_IMAGE="$base" \
  --build-arg TRAINING_CONFIG=config/no-such-training.json -t lambda-ml:e2e-missing-config . \
  >"$work/missing.log" 2>&1; then
  die "the build succeeded without its training config"
fi
grep -q "training config 'config/no-such-training.json' is missing" "$work/missing.log" ||
  { tail -n 20 "$work/missing.log" >&2; die "the failed build did not name the missing config"; }
log "missing training config: build failed naming it"

port="$(free_port)"
run_started=$(date +%s%N)
container=$(docker run -d --network=host -e HOST=127.0.0.1 -e PORT="$port" "$image")
url="http://127.0.0.1:$port/2015-03-31/functions/function/invocations"
body=""
for _ in $(seq 1 100); do
  body=$(node -e "fetch(process.argv[1],{method:'POST',body:'{\"data\":[0,0,0,0]}'}).then(r=>r.text()).then(t=>console.log(t),()=>process.exit(1))" "$url" 2>/dev/null) && break
  [ "$(docker inspect -f '{{.State.Running}}' "$container")" = true ] || { docker logs "$container" >&2; die "container exited"; }
  sleep 0.1
done
cold_ms=$(( ($(date +%s%N) - run_started) / 1000000 ))
expected='{"statusCode":200,"body":1}'
[ "$body" = "$expected" ] || { docker logs "$container" >&2; die "answer '$body', expected '$expected'"; }
log "tutorial request answered $body (${cold_ms} ms after docker run)"

uid=$(docker exec "$container" node -e "process.stdout.write(require('node:fs').readFileSync('/proc/1/status','utf8').match(/^Uid:\s+(\d+)/m)[1])")
[ "$uid" != 0 ] || die "the container's main process runs as root"
file_sha=$(docker exec "$container" cat /var/task/model.json.sha256 | cut -d' ' -f1)
[ "$file_sha" = "$local_sha" ] || die "model.json.sha256 in the image '$file_sha' != '$local_sha'"
docker exec "$container" sh -c '! command -v npm && ! find / -xdev -name node_modules -print -quit 2>/dev/null | grep -q . && ! command -v gcc && ! command -v cc' >/dev/null ||
  die "the final image still holds npm, a node_modules directory or a compiler"
log "runs as uid $uid; no npm, node_modules or compiler in the image"

# scikit-learn files through the same image (no rebuild): MODEL_PATH at a mounted .joblib (a ColumnTransformer +
# RandomForest pipeline and a HistGradientBoosting pipeline with categorical features, fitted on DataFrames by
# scikit-learn 1.9.1), every fixture row as a batch by name and by position, answered with scikit-learn's labels.
docker rm -f "$container" >/dev/null
container=""
models="$work/models"
mkdir -p "$models"
chmod 755 "$models"
sklearn_ok=""
for name in pipe_ct_rf hgb_pipe_cat; do
  install -m 0644 "test/fixtures/sklearn-families/1.9.1/$name.joblib" "$models/$name.joblib"
  port="$(free_port)"
  container=$(docker run -d --network=host -v "$models:/models:ro" -e MODEL_PATH="/models/$name.joblib" \
    -e HOST=127.0.0.1 -e PORT="$port" "$image")
  line=$(node test/fixtures/container/sklearn-check.mjs \
    "http://127.0.0.1:$port/2015-03-31/functions/function/invocations" \
    test/fixtures/sklearn-families/1.9.1/expected.json "$name") ||
    { docker logs "$container" >&2; die "$name.joblib through the image did not answer as scikit-learn"; }
  log "$name.joblib (scikit-learn 1.9.1) through the image: $line"
  sklearn_ok="$sklearn_ok${sklearn_ok:+,}\"${line#SKLEARN-OK }\""
  docker rm -f "$container" >/dev/null
  container=""
done

# XGBoost and LightGBM files through the same image (no rebuild): MODEL_PATH at a mounted XGBoost UBJSON
# model and a pickled LGBMClassifier with pandas categories; every fixture row as one batch (null for
# missing values, unseen categories included), answered with the library's own labels.
boosted_ok=""
for spec in xgboost/binary.ubj lightgbm/categorical.pkl; do
  lib="${spec%%/*}"
  file="${spec#*/}"
  install -m 0644 "test/fixtures/$spec" "$models/$lib-$file"
  port="$(free_port)"
  container=$(docker run -d --network=host -v "$models:/models:ro" -e MODEL_PATH="/models/$lib-$file" \
    -e HOST=127.0.0.1 -e PORT="$port" "$image")
  line=$(node test/fixtures/container/boosted-check.mjs \
    "http://127.0.0.1:$port/2015-03-31/functions/function/invocations" \
    "test/fixtures/$lib/expected.json" "$file") ||
    { docker logs "$container" >&2; die "$spec through the image did not answer as $lib"; }
  log "$spec through the image: $line"
  boosted_ok="$boosted_ok${boosted_ok:+,}\"${line#BOOSTED-OK }\""
  docker rm -f "$container" >/dev/null
  container=""
done

# Lambda mode: with AWS_LAMBDA_RUNTIME_API set, the entry script runs the runtime client directly.
api_port="$(free_port)"
node test/fixtures/container/fake-runtime-api.mjs "$api_port" >"$work/runtime-api.out" &
api_pid=$!
container=$(docker run -d --network=host -e AWS_LAMBDA_RUNTIME_API="127.0.0.1:$api_port" "$image")
wait "$api_pid" || { cat "$work/runtime-api.out" >&2; docker logs "$container" >&2; die "runtime client mode failed"; }
lambda_answer=$(sed -n 's/^RESPONSE //p' "$work/runtime-api.out")
[ "$lambda_answer" = "$expected" ] || die "runtime client posted '$lambda_answer', expected '$expected'"
log "AWS_LAMBDA_RUNTIME_API set: the runtime client posted $lambda_answer"

printf 'E2E-RESULT {"image":"%s","sizeBytes":%s,"baseSizeBytes":%s,"buildMs":%s,"coldStartMs":%s,"uid":%s,"modelSha256":"%s","answer":%s,"sklearn":[%s],"boosted":[%s]}\n' \
  "$image" "$size_bytes" "$base_size_bytes" "$build_ms" "$cold_ms" "$uid" "$local_sha" "$body" "$sklearn_ok" "$boosted_ok"
