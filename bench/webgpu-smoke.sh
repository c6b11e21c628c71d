#!/usr/bin/env bash
# WebGPU smoke test on any Linux machine, GPU or not: installs what the webgpu path
# needs without touching package.json, runs test/train/webgpu.test.ts, and prints the adapter,
# the per-step loss / gradient-norm comparison with wasm and ms/step.
# Usage: bash bench/webgpu-smoke.sh   (from a clone after `npm ci`; ~1 min, needs the npm registry)
# Exit status: 0 passed, 3 not run (the optional peers could not be fetched), other: failed.
# - Optional peers webgpu@0.6.2 (Dawn for Node, dawn.node inside the tarball) and
#   @tensorflow/tfjs-backend-webgpu@4.22.0 are unpacked into node_modules (`npm ci` removes them).
# - As root with apt: installs Mesa's EGL/GLES (libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)
#   when missing; without a GPU Dawn then runs on llvmpipe through OpenGL ES (software, slow).
set -u
cd "$(dirname "$0")/.."
if [ ! -d node_modules/@tensorflow/tfjs-core ]; then echo "run 'npm ci' first"; exit 2; fi
echo "== machine"; uname -srm; node --version
MESA_PKGS="libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri"
missing=""
for p in $MESA_PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Mesa EGL/GLES:$missing (apt-get, as root)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing) >/dev/null 2>&1 || echo "apt-get install failed:$missing"
  else
    echo "== Mesa EGL/GLES packages missing:$missing (a machine without a GPU needs them: sudo apt-get install -y$missing)"
  fi
fi
echo "== Mesa: $(dpkg-query -W -f='${Version}' libegl-mesa0 2>/dev/null || echo 'libegl-mesa0 not installed')"
mkdir -p .cache
for spec in webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0; do
  name="${spec%@*}"
  if [ ! -e "node_modules/$name/package.json" ]; then
    echo "== unpacking optional peer $spec into node_modules (no package.json change)"
    tgz=$(cd .cache && npm pack --silent "$spec" 2>/dev/null | tail -1)
    if [ -n "$tgz" ] && [ -f ".cache/$tgz" ]; then mkdir -p "node_modules/$name" && tar -xzf ".cache/$tgz" -C "node_modules/$name" --strip-components=1; else echo "could not fetch $spec (no registry access?): smoke not run"; exit 3; fi
  fi
done
# Mesa prints "XDG_RUNTIME_DIR is invalid" without one; harmless, silenced here.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
echo "== smoke: 4 steps of icl (3 layers), CLS and induction models on webgpu and on wasm"
out=$(SMOKE_STEPS=4 timeout 300 node --expose-gc --import tsx test/train/webgpu-smoke.child.ts 2>/dev/null)
rc=$?
if [ $rc -ne 0 ]; then echo "smoke child exited $rc"; else
  printf '%s\n' "$out" | tail -1 | node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`adapter: ${d.adapter}`);
    for (const m of ["icl", "cls", "induction"]) {
      const g = d[m].webgpu, w = d[m].wasm;
      const rel = (a, b) => Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));
      console.log(`${m}: loss webgpu ${g.loss.map((x) => x.toFixed(6)).join(" ")} | wasm ${w.loss.map((x) => x.toFixed(6)).join(" ")}; max rel. diff loss ${rel(g.loss, w.loss).toExponential(1)}, grad norm ${rel(g.gradNorm, w.gradNorm).toExponential(1)}, entropy ${rel(g.entropy, w.entropy).toExponential(1)}; ms/step webgpu ${g.msPerStep.toFixed(0)}, wasm ${w.msPerStep.toFixed(1)} (incl. first-step compile)`);
    }'
fi
echo "== test/train/webgpu.test.ts"
tout=$(node scripts/run-tests.mjs test/train/webgpu.test.ts 2>&1)
trc=$?
printf '%s\n' "$tout" | grep -E "^# (pass|fail|skipped)|^not ok|^ok|^    [^ ]" | head -20
echo "== webgpu smoke exit $trc (0: passed)"
exit $trc
