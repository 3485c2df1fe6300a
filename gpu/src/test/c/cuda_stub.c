/*
 * A CPU stand-in for the CUDA driver and cuBLAS entry points Tutti binds, for tests without a GPU.
 * Built by CudaStub (gcc -shared) into target/. It checks what a real driver would reject:
 *  - every context-bound call needs a current context on the calling thread (thread-local, as CUDA's);
 *  - device pointers must lie inside a live allocation for the bytes touched (copies, sgemm operands,
 *    the kernel's y and bias); frees must name a live allocation;
 *  - the kernel grid must cover the elements; the module must be loaded from PTX defining bias_act.
 * Device memory is host memory (malloc), copies are memcpy, sgemm is a naive column-major loop honouring
 * transa/transb/lda/ldb/ldc/alpha/beta, and bias_act is computed here by kernel name.
 * Test controls: stub_fail(name, after, code) makes entry point `name` ("*" = all) fail with `code` from
 * its after-th next call on (sticky, like a lost device) until stub_clear(); stub_set_devices(n);
 * stub_live() counts live allocations, pinned buffers, streams, handles, modules and context retains;
 * stub_poison(code), and a kernel given a pointer outside every allocation, make the context fail like a
 * real one after a fault (a sticky error): every context-bound call returns `code` (cuBLAS: execution
 * failed) until stub_clear(); stub_bad_calls() counts frees and destroys of what is not live.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
#define OK 0
#define INVALID_VALUE 1
#define INVALID_CONTEXT 201
#define INVALID_IMAGE 200
#define NOT_FOUND 500
#define MAX_ALLOCS 4096

static __thread void *current_ctx;
static int devices = 1;
static char fail_name[64];
static int fail_after = -1;
static int fail_code;
static struct { uintptr_t p; size_t n; int pinned; } allocs[MAX_ALLOCS];
static long live_streams, live_handles, live_modules, ctx_retains;
static int kernel_function = 0x4;
static int poisoned;
static long bad_calls; /* frees and destroys of what is not live: a real driver errs, or frees another owner's memory */

void stub_fail(const char *name, int after, int code) {
  strncpy(fail_name, name, sizeof fail_name - 1);
  fail_after = after;
  fail_code = code;
}
void stub_clear(void) { fail_name[0] = 0; fail_after = -1; poisoned = 0; }
void stub_set_devices(int n) { devices = n; }
void stub_poison(int code) { poisoned = code; }
long stub_bad_calls(void) { return bad_calls; }
long stub_live(void) {
  long n = live_streams + live_handles + live_modules + ctx_retains;
  for (int i = 0; i < MAX_ALLOCS; i++) n += allocs[i].p != 0;
  return n;
}

static int injected(const char *name) {
  if (fail_after < 0 || (strcmp(fail_name, "*") != 0 && strcmp(fail_name, name) != 0)) return 0;
  if (fail_after > 0) { fail_after--; return 0; }
  return 1;
}
#define ENTER(name) do { if (injected(name)) return fail_code; } while (0)
#define NEED_CTX() do { if (!current_ctx) return INVALID_CONTEXT; if (poisoned) return poisoned; } while (0)

static int track(uintptr_t p, size_t n, int pinned) {
  for (int i = 0; i < MAX_ALLOCS; i++) if (!allocs[i].p) { allocs[i].p = p; allocs[i].n = n; allocs[i].pinned = pinned; return 1; }
  return 0;
}
static int untrack(uintptr_t p, int pinned) {
  for (int i = 0; i < MAX_ALLOCS; i++) if (allocs[i].p == p && allocs[i].pinned == pinned) { allocs[i].p = 0; return 1; }
  return 0;
}
/* whether [p, p + n) lies inside one live device allocation */
static int inside(uintptr_t p, size_t n) {
  for (int i = 0; i < MAX_ALLOCS; i++)
    if (allocs[i].p && !allocs[i].pinned && p >= allocs[i].p && p + n <= allocs[i].p + allocs[i].n) return 1;
  return 0;
}

CUresult cuInit(unsigned flags) { ENTER("cuInit"); return flags == 0 ? OK : INVALID_VALUE; }
CUresult cuDriverGetVersion(int *v) { ENTER("cuDriverGetVersion"); *v = 13000; return OK; }
CUresult cuDeviceGetCount(int *n) { ENTER("cuDeviceGetCount"); *n = devices; return OK; }
CUresult cuDeviceGet(int *d, int ordinal) { ENTER("cuDeviceGet"); if (ordinal < 0 || ordinal >= devices) return 101; *d = ordinal; return OK; }
CUresult cuDeviceGetName(char *name, int len, int d) { ENTER("cuDeviceGetName"); strncpy(name, "Tutti CUDA stub (CPU)", len); name[len - 1] = 0; return OK; }
CUresult cuDeviceTotalMem_v2(size_t *bytes, int d) { ENTER("cuDeviceTotalMem_v2"); *bytes = (size_t)1 << 30; return OK; }
CUresult cuDevicePrimaryCtxRetain(void **ctx, int d) { ENTER("cuDevicePrimaryCtxRetain"); *ctx = (void *)(uintptr_t)(0x100 + d); ctx_retains++; return OK; }
CUresult cuDevicePrimaryCtxRelease_v2(int d) { ENTER("cuDevicePrimaryCtxRelease_v2"); if (ctx_retains <= 0) return INVALID_CONTEXT; ctx_retains--; return OK; }
CUresult cuCtxSetCurrent(void *ctx) { ENTER("cuCtxSetCurrent"); current_ctx = ctx; return OK; }
CUresult cuStreamCreate(void **s, unsigned flags) { ENTER("cuStreamCreate"); NEED_CTX(); *s = (void *)0x2; live_streams++; return OK; }
CUresult cuStreamDestroy_v2(void *s) { ENTER("cuStreamDestroy_v2"); NEED_CTX(); if (live_streams <= 0) { bad_calls++; return INVALID_VALUE; } live_streams--; return OK; }
CUresult cuStreamSynchronize(void *s) { ENTER("cuStreamSynchronize"); NEED_CTX(); return s == (void *)0x2 ? OK : INVALID_VALUE; }
CUresult cuMemAlloc_v2(uint64_t *p, size_t n) {
  ENTER("cuMemAlloc_v2"); NEED_CTX();
  void *m = malloc(n ? n : 1);
  if (!m) return 2;
  if (!track((uintptr_t)m, n, 0)) { free(m); return 2; }
  *p = (uint64_t)(uintptr_t)m; return OK;
}
CUresult cuMemFree_v2(uint64_t p) { ENTER("cuMemFree_v2"); NEED_CTX(); if (!untrack((uintptr_t)p, 0)) { bad_calls++; return INVALID_VALUE; } free((void *)(uintptr_t)p); return OK; }
CUresult cuMemAllocHost_v2(void **p, size_t n) {
  ENTER("cuMemAllocHost_v2"); NEED_CTX();
  void *m = malloc(n ? n : 1);
  if (!m) return 2;
  if (!track((uintptr_t)m, n, 1)) { free(m); return 2; }
  *p = m; return OK;
}
CUresult cuMemFreeHost(void *p) { ENTER("cuMemFreeHost"); NEED_CTX(); if (!untrack((uintptr_t)p, 1)) { bad_calls++; return INVALID_VALUE; } free(p); return OK; }
CUresult cuMemcpyHtoDAsync_v2(uint64_t d, const void *h, size_t n, void *s) {
  ENTER("cuMemcpyHtoDAsync_v2"); NEED_CTX();
  if (!inside((uintptr_t)d, n) || s != (void *)0x2) return INVALID_VALUE;
  memcpy((void *)(uintptr_t)d, h, n); return OK;
}
CUresult cuMemcpyDtoHAsync_v2(void *h, uint64_t d, size_t n, void *s) {
  ENTER("cuMemcpyDtoHAsync_v2"); NEED_CTX();
  if (!inside((uintptr_t)d, n) || s != (void *)0x2) return INVALID_VALUE;
  memcpy(h, (void *)(uintptr_t)d, n); return OK;
}
CUresult cuModuleLoadData(void **m, const void *image) {
  ENTER("cuModuleLoadData"); NEED_CTX();
  if (!strstr((const char *)image, ".visible .entry bias_act(")) return INVALID_IMAGE;
  *m = (void *)0x3; live_modules++; return OK;
}
CUresult cuModuleUnload(void *m) { ENTER("cuModuleUnload"); NEED_CTX(); if (live_modules <= 0) { bad_calls++; return INVALID_VALUE; } live_modules--; return OK; }
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  ENTER("cuModuleGetFunction"); NEED_CTX();
  if (m != (void *)0x3 || strcmp(name, "bias_act") != 0) return NOT_FOUND;
  *f = (void *)(uintptr_t)kernel_function; return OK;
}
CUresult cuGetErrorName(CUresult r, const char **s) {
  switch (r) {
    case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return OK;
    case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return OK;
    case 201: *s = "CUDA_ERROR_INVALID_CONTEXT"; return OK;
    case 700: *s = "CUDA_ERROR_ILLEGAL_ADDRESS"; return OK;
    case 999: *s = "CUDA_ERROR_UNKNOWN"; return OK;
    default: *s = 0; return INVALID_VALUE;
  }
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **p, void **extra) {
  ENTER("cuLaunchKernel"); NEED_CTX();
  if (f != (void *)(uintptr_t)kernel_function || stream != (void *)0x2 || extra != 0 || gy != 1 || gz != 1 || by != 1 || bz != 1)
    return INVALID_VALUE;
  float *y = (float *)(uintptr_t)*(uint64_t *)p[0];
  const float *b = (const float *)(uintptr_t)*(uint64_t *)p[1];
  unsigned n = *(unsigned *)p[2], cols = *(unsigned *)p[3], act = *(unsigned *)p[4];
  if ((unsigned long)gx * bx < n || bx > 1024 || cols == 0) return INVALID_VALUE;
  if (!inside((uintptr_t)y, (size_t)n * 4) || !inside((uintptr_t)b, (size_t)cols * 4)) { poisoned = 700; return 700; } /* a fault poisons the context, as on a device */
  for (unsigned i = 0; i < n; i++) {
    float v = y[i] + b[i % cols];
    switch (act) {
      case 0: break;
      case 1: v = v < 0 ? 0 : v; break;
      case 2: v = 1.0f / (1.0f + expf(-v)); break;
      case 3: v = tanhf(v); break;
      default: return INVALID_VALUE;
    }
    y[i] = v;
  }
  return OK;
}

/* cuBLAS (column-major) */
int cublasCreate_v2(void **h) { if (injected("cublasCreate_v2")) return fail_code; if (!current_ctx) return 1; *h = (void *)0x5; live_handles++; return 0; }
int cublasDestroy_v2(void *h) { if (injected("cublasDestroy_v2")) return fail_code; if (poisoned) return 13; if (h != (void *)0x5 || live_handles <= 0) { bad_calls++; return 1; } live_handles--; return 0; }
int cublasSetStream_v2(void *h, void *s) { if (injected("cublasSetStream_v2")) return fail_code; return h == (void *)0x5 && s == (void *)0x2 ? 0 : 7; }
int cublasGetVersion_v2(void *h, int *v) { *v = 130000; return 0; }
int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                   const float *B, int ldb, const float *beta, float *C, int ldc) {
  if (injected("cublasSgemm_v2")) return fail_code;
  if (h != (void *)0x5 || !current_ctx) return 1;
  if (poisoned) return 13;
  /* the shapes cuBLAS checks, and every operand inside a device allocation */
  int arows = ta ? k : m, acols = ta ? m : k, brows = tb ? n : k, bcols = tb ? k : n;
  if (m < 0 || n < 0 || k < 0 || lda < (arows > 1 ? arows : 1) || ldb < (brows > 1 ? brows : 1) || ldc < (m > 1 ? m : 1)) return 7;
  if (!inside((uintptr_t)A, ((size_t)lda * (acols - 1) + arows) * 4) || !inside((uintptr_t)B, ((size_t)ldb * (bcols - 1) + brows) * 4)
      || !inside((uintptr_t)C, ((size_t)ldc * (n - 1) + m) * 4)) return 13;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int l = 0; l < k; l++) {
        float a = ta ? A[l + (size_t)i * lda] : A[i + (size_t)l * lda];
        float bb = tb ? B[j + (size_t)l * ldb] : B[l + (size_t)j * ldb];
        s += (double)a * bb;
      }
      float c = *beta == 0 ? 0 : *beta * C[i + (size_t)j * ldc];
      C[i + (size_t)j * ldc] = (float)(*alpha * s) + c;
    }
  return 0;
}
