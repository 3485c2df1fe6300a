#!/usr/bin/env bash
# Runs ON the GPU test host, from the unpacked bundle (see docs/gpu.md):
#   mkdir -p /tmp/g && tar -xJf .gpu/bundle.tar.xz -C /tmp/g && OUT=$OUT bash /tmp/g/gpu/gpu-run.sh
# Writes under $OUT: env.txt, gpu-tests.txt, bench.txt, torch-ref.txt, ensemble.txt, gpu-fault.txt (at most 8 files come back).
# Exit status: that of the gpu tests, else of the gpu-fault test (0 = all passed or skipped).
set -uo pipefail
cd "$(dirname "$0")"; OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
J=./jre/bin/java; CP="lib/*:test"
# the console launcher does not expand wildcards: list the jars (without the launcher itself)
TEST_CP=$(ls lib/*.jar | grep -v junit-platform-console-standalone | tr '\n' ':')test
PY=${PY:-/opt/torch/.venv/bin/python3}
SP=$("$PY" -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || echo /nonexistent)
export LD_LIBRARY_PATH="$SP/nvidia/cu13/lib:$SP/nvidia/cublas/lib:${LD_LIBRARY_PATH:-}"
JOPTS="--enable-native-access=ALL-UNNAMED -Xss4m"

{
    echo "date: $(date -u +%FT%TZ)  bundle commit: $(cat COMMIT 2>/dev/null)  host: $(hostname)"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 || echo "nvidia-smi: none"
    ls "$SP/nvidia/cu13/lib" 2>/dev/null | grep -E 'cublas|cudart' || echo "no CUDA 13 wheel libraries under $SP"
    ldconfig -p 2>/dev/null | grep -E 'libcuda.so|libcublas' || echo "ldconfig: no libcuda/libcublas"
    $J -version 2>&1 | head -1
    "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available() and torch.cuda.get_device_name(0))' 2>&1
} | tee "$OUT/env.txt"

# 1) the gpu-tagged tests: parity with ONNX Runtime on the device (skip cleanly without one)
timeout 300 $J $JOPTS -jar lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$TEST_CP" --scan-class-path --include-tag gpu --details=tree --disable-banner --disable-ansi-colors 2>&1 | tee "$OUT/gpu-tests.txt"
TESTS=${PIPESTATUS[0]}

# 2) the FFM benchmark: 256 -> 256 -> 256 -> 256 -> 1 MLP at batch 4096, through the member
timeout 180 $J $JOPTS -cp "$CP" dev.tutti.gpu.GpuMlpBenchmark 4096 200 2>&1 | tee "$OUT/bench.txt"

# 3) PyTorch's own time for the same layers, same batch (device-resident, and with the same copies)
timeout 120 "$PY" - <<'PY' 2>&1 | tee "$OUT/torch-ref.txt"
import time, torch
if not torch.cuda.is_available():
    print("torch ref: no CUDA device"); raise SystemExit(0)
torch.backends.cuda.matmul.allow_tf32 = False  # FP32 SGEMM, as cublasSgemm_v2 in the default math mode
net = torch.nn.Sequential(torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(),
                          torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 1)).cuda().eval()
host = torch.randn(4096, 256).pin_memory(); out = torch.empty(4096, 1).pin_memory(); x = host.cuda()
def timed(fn, n=200):
    for _ in range(50): fn()
    torch.cuda.synchronize(); ts = []
    for _ in range(n):
        t = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
    ts.sort(); return ts[n // 2] * 1e6, ts[0] * 1e6
with torch.inference_mode():
    m, b = timed(lambda: net(x))
    print("torch ref mlp 256x256x256x256->1 batch=4096 device-resident: median %.1f us, best %.1f us" % (m, b))
    m, b = timed(lambda: out.copy_(net(host.cuda(non_blocking=True)), non_blocking=True))
    print("torch ref mlp 256x256x256x256->1 batch=4096 with pinned H2D + D2H: median %.1f us, best %.1f us" % (m, b))
    pageable = torch.randn(4096, 256)
    m, b = timed(lambda: net(pageable.cuda()).cpu())
    print("torch ref mlp 256x256x256x256->1 batch=4096 from pageable host memory (.cuda() ... .cpu()): median %.1f us, best %.1f us" % (m, b))
    for _ in range(3):
        torch.cuda.synchronize(); t = time.perf_counter()
        for _ in range(200): net(x)
        torch.cuda.synchronize()
        print("torch ref mlp layers batch=4096, 200 forward passes back to back then one sync: %.1f us per pass" % ((time.perf_counter() - t) / 200 * 1e6))
    # the layers' device time without Python's launch cost: one CUDA graph of the forward pass, replayed
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3): net(x)
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        y = net(x)
    for _ in range(3):
        torch.cuda.synchronize(); t = time.perf_counter()
        for _ in range(200): graph.replay()
        torch.cuda.synchronize()
        print("torch ref mlp layers batch=4096, CUDA graph replayed 200 times then one sync: %.1f us per pass" % ((time.perf_counter() - t) / 200 * 1e6))
PY
# 4) the ensemble target: the service's throughput with the MLPs on the GPU against all-CPU, side by side
timeout ${ENSEMBLE_TIMEOUT:-420} $J $JOPTS --add-modules=jdk.incubator.vector -Dai.djl.offline=true -cp "$CP" \
    dev.tutti.bench.gpu.GpuEnsembleLoad ensembles/gpu-mlp/1 ${ENSEMBLE_ARGS:-3 5 256,1024,4096} 2>&1 | grep -v '^WARNING' | tee "$OUT/ensemble.txt"
# 5) a kernel fault and the CPU twins taking over (tag gpu-fault: it leaves CUDA unusable in its JVM, so alone and last)
timeout 120 $J $JOPTS -jar lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$TEST_CP" --scan-class-path --include-tag gpu-fault --details=tree --disable-banner --disable-ansi-colors 2>&1 | tee "$OUT/gpu-fault.txt"
FAULT=${PIPESTATUS[0]}
[ "$TESTS" -ne 0 ] && exit $TESTS
exit $FAULT
