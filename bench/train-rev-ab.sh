#!/usr/bin/env bash
# Before/after step time of a bench training model between a git revision and the working tree,
# interleaved so both see the same machine load: `bash bench/train-rev-ab.sh REV [icl|cls] [PAIRS] [STEPS]`
# (from the repository root after npm ci; e.g. REV = the commit before a change). REV's src/ (and
# its scripts/, to build its generated wasm module) is unpacked into a temporary folder that uses
# this checkout's node_modules; bench/train-step-time.ts from the working tree then runs PAIRS
# times in each tree, alternating (REV first), 3 rounds of STEPS steps per process. Prints each
# run, then the medians and whether the loss digests agree (bitwise-equal training).
set -eu
REV="$1"; MODEL="${2:-icl}"; PAIRS="${3:-6}"; STEPS="${4:-40}"
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$REV" src scripts package.json | tar -x -C "$tmp"
ln -s "$PWD/node_modules" "$tmp/node_modules"
mkdir -p "$tmp/bench" && cp bench/train-step-time.ts "$tmp/bench/"
(cd "$tmp" && node scripts/build-wasm.mjs >/dev/null)
out=$(mktemp)
for i in $(seq 1 "$PAIRS"); do
  echo "before $(cd "$tmp" && npx tsx bench/train-step-time.ts "$MODEL" 3 "$STEPS")" | tee -a "$out"
  echo "after  $(npx tsx bench/train-step-time.ts "$MODEL" 3 "$STEPS")" | tee -a "$out"
done
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2; };
  const get = (tag) => lines.filter((l) => l.startsWith(tag)).map((l) => JSON.parse(l.slice(7)));
  const b = get("before"), a = get("after");
  const f = (x) => x.toFixed(2);
  console.log(`'"$MODEL"' before ('"$REV"'): ${f(med(b.map((x) => x.wall)))} ms/step wall, ${f(med(b.map((x) => x.cpu)))} ms CPU; after: ${f(med(a.map((x) => x.wall)))} wall, ${f(med(a.map((x) => x.cpu)))} CPU (medians of ${a.length} processes each); load ${f(Math.min(...a.concat(b).map((x) => x.load)))}-${f(Math.max(...a.concat(b).map((x) => x.load)))}`);
  const digests = new Set(a.concat(b).map((x) => x.digest));
  console.log(digests.size === 1 ? `loss digests equal (${[...digests][0]}): bitwise-equal training` : `loss digests DIFFER: ${[...digests].join(" ")}`);
  process.exit(digests.size === 1 ? 0 : 1);
' "$out"
rm -f "$out"
