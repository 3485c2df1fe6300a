#!/usr/bin/env bash
# Builds, on a machine WITHOUT a GPU, everything the GPU test host needs into .gpu/bundle.tar.xz
# (ignored by git): a trimmed JDK 25 runtime, the gpu module's jars and test classes with their
# test-scope dependencies (ONNX Runtime thinned to linux-x64), the JUnit console launcher and gpu-run.sh.
# Then rehearses gpu-run.sh here (gpu tests must skip, the benchmark must say "unavailable") and checks
# that the working tree plus .gpu fits the 64 MiB the device tool carries.
# Usage, from the repository root: gpu/scripts/make-gpu-bundle.sh [--no-rehearsal]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME=$JDK PATH=$JDK/bin:$PATH
CONSOLE=org.junit.platform:junit-platform-console-standalone:${JUNIT_PLATFORM_VERSION:-1.14.1}
WORK=$(mktemp -d); STAGE=$WORK/gpu; trap 'rm -rf "$WORK"' EXIT
mkdir -p .gpu "$STAGE/lib" "$STAGE/test"

# 1) jars: the gpu module and what its tests need (engine SPI, protobuf ONNX classes, ONNX Runtime, JUnit)
./mvnw -q -o -pl gpu -am install -DskipTests
./mvnw -q -o -pl gpu dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$STAGE/lib"
cp gpu/target/tutti-gpu-*.jar "$STAGE/lib/"
cp -r gpu/target/test-classes/. "$STAGE/test/"
rm -f "$STAGE"/lib/*-tests.jar   # the engine's test helpers read fixtures the bundle does not carry
# the library GPU runtimes (onnxruntime-cuda, djl-pytorch-gpu) cannot run on the test host (ONNX Runtime's
# CUDA build needs CUDA 12, DJL's JNI needs libtorch 2.7; see GPU.md), and their test reads the golden
# fixtures: leave out libtorch (hundreds of MB) and that test
rm -f "$STAGE"/lib/pytorch-native-*.jar "$STAGE"/test/dev/tutti/gpu/LibraryGpuRuntimesTest*.class
# the ensemble benchmark (dev.tutti.bench.gpu.GpuEnsembleLoad): the bench module's classes, the CPU runtimes
# (the all-CPU configuration and the GPU members' twins) and the benchmark ensemble with its rows, written by
# GpuEnsembleFixture (trained on telco churn; a few minutes, once: kept in .gpu-fixture, ignored by git)
./mvnw -q -o -pl bench -am install -DskipTests
cp bench/target/tutti-bench-*.jar cpu-fallback/target/tutti-cpu-fallback-*.jar "$STAGE/lib/"
rm -f "$STAGE"/lib/*-tests.jar "$STAGE"/lib/*-sources.jar
if [ ! -f .gpu-fixture/gpu-mlp/1/manifest.json ]; then
    CPF=$(./mvnw -q -o -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
    java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
        -cp "bench/target/classes:$CPF" dev.tutti.bench.gpu.GpuEnsembleFixture .gpu-fixture
fi
mkdir -p "$STAGE/ensembles"; cp -r .gpu-fixture/gpu-mlp "$STAGE/ensembles/"
# the bundled ensembles' trained MLPs, for RealGpuTest (their feature encoding runs on the host)
mkdir -p "$STAGE/models"
for e in telco-churn spam; do cp "ensembles/$e/1/members/mlp-onnx/1/model.onnx" "$STAGE/models/$e-mlp.onnx"; done
for j in "$STAGE"/lib/onnxruntime-*.jar; do
    zip -q -d "$j" 'ai/onnxruntime/native/linux-aarch64/*' 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*' >/dev/null || true
done
# 2) the JUnit console launcher: there is no Maven on the GPU host
./mvnw -q -o dependency:copy -Dartifact=$CONSOLE -DoutputDirectory="$STAGE/lib" >/dev/null 2>&1 \
    || ./mvnw -q dependency:copy -Dartifact=$CONSOLE -DoutputDirectory="$STAGE/lib" >/dev/null
# 3) a trimmed runtime: zip-0 inside the image and xz outside packs best
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,jdk.incubator.vector,jdk.zipfs \
    --strip-java-debug-attributes --no-man-pages --no-header-files --compress=zip-0 --output "$STAGE/jre"
find "$STAGE/jre" -name '*.so' -exec strip --strip-unneeded {} +
cp gpu/scripts/gpu-run.sh "$STAGE/"
git describe --always --dirty > "$STAGE/COMMIT" 2>/dev/null || echo unknown > "$STAGE/COMMIT"
tar -C "$WORK" -cf - gpu | xz -9 -T0 > .gpu/bundle.tar.xz
ls -la .gpu/bundle.tar.xz

# 4) the size the device tool carries: tracked + untracked-not-ignored files, plus .gpu
TREE=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
GPU=$(du -cb .gpu | tail -1 | cut -f1)
echo "working tree $((TREE / 1024)) KiB + .gpu $((GPU / 1024)) KiB = $(((TREE + GPU) / 1048576)) MiB (limit 64 MiB)"
[ $((TREE + GPU)) -lt $((64 * 1048576)) ] || { echo "too big for carry"; exit 1; }

# 5) rehearsal on this machine: everything must skip or say unavailable, nothing may fail
if [ "${1:-}" != "--no-rehearsal" ]; then
    R=$(mktemp -d); mkdir -p "$R/out"
    tar -xJf .gpu/bundle.tar.xz -C "$R"
    OUT="$R/out" bash "$R/gpu/gpu-run.sh"; rc=$?
    echo "rehearsal exit $rc; files: $(ls "$R/out" | tr '\n' ' ')"
    grep -q "unavailable" "$R/out/bench.txt" && echo "rehearsal: the benchmark says unavailable (expected without a GPU)"
    rm -rf "$R"
fi
