/* actgen: activation kernels generated from one definition per activation.
 *
 * Stable C API. Every function returns a status (or a value that cannot fail); on failure a message is left
 * for actgen_last_error() on the calling thread. The library never aborts, exits or prints (except the
 * opt-in ACTGEN_VERBOSE=1 selection log on stderr).
 *
 * Memory: any alignment; any n. In place is allowed: an output may be exactly an input (y == x; dx == x or
 * dx == dy); an output that otherwise shares a byte with an input is refused (INVALID_ARGUMENT, nothing written)
 * for host kernels; CUDA kernels do not check device buffers for overlap (partial overlap is undefined there).
 * n == 0: the kernel is still checked (NULL, the wrong direction, or a stream given to a host kernel is
 * INVALID_ARGUMENT); the data pointers are not (they may be NULL) and nothing is read or written.
 * Parameters are rounded to float: one that rounds to 0 is refused where 0 is (nonzero or > 0 parameters) and is 0
 * elsewhere; a subnormal one is kept as that subnormal; one beyond float's range is refused.
 * Threads: every function may be called from many threads at once; kernels are immutable after creation.
 */
#ifndef ACTGEN_ACTGEN_H
#define ACTGEN_ACTGEN_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define ACTGEN_API
#else
#define ACTGEN_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ACTGEN_OK = 0,
  ACTGEN_ERROR_INVALID_ARGUMENT = 1,
  ACTGEN_ERROR_UNSUPPORTED = 2,
  ACTGEN_ERROR_DEVICE = 3,
  ACTGEN_ERROR_OUT_OF_MEMORY = 4,
  ACTGEN_ERROR_INTERNAL = 5
} actgen_status;

/* The enums a caller passes in. In C++ their underlying type is fixed to int, so every int a caller passes (say
 * (actgen_dtype)7) is a value of the type rather than undefined behaviour, and the library can refuse it
 * (INVALID_ARGUMENT); in C any int already is. Size, representation and the C ABI are those of a plain enum. */
#if defined(__cplusplus)
#define ACTGEN_INT_ENUM : int
#else
#define ACTGEN_INT_ENUM
#endif

/* Element types, typedef enum { ACTGEN_F32 = 0, ACTGEN_F16 = 1, ACTGEN_BF16 = 2 } actgen_dtype, generated from the
 * build's dtype list (cmake/targets.cmake's ACTGEN_DTYPES, where new ones are appended: a value never changes) into
 * actgen/actgen_dtypes.h. F16 is IEEE binary16, BF16 bfloat16; both are passed as 16-bit patterns (uint16_t,
 * _Float16, __bf16 ...), and computed in f32 inside the kernel (README, "Half precision"). actgen_dtype_count() and
 * actgen_dtype_at() list the ones this build has kernels for. */
#include "actgen/actgen_dtypes.h"

typedef enum ACTGEN_INT_ENUM { ACTGEN_FORWARD = 0, ACTGEN_BACKWARD = 1 } actgen_direction;

#undef ACTGEN_INT_ENUM

/* Where a kernel's data lives: host memory, or CUDA device memory (pointers from cudaMalloc/cuMemAlloc). */
typedef enum { ACTGEN_MEMORY_HOST = 0, ACTGEN_MEMORY_CUDA = 1 } actgen_memory;

typedef struct actgen_kernel actgen_kernel;

/* Creates a kernel for the best target this machine supports (or the one pinned by ACTGEN_TARGET or
 * actgen_set_target). params: NULL or "" for defaults, else "name=value,name=value" with the catalog's
 * parameter names (PyTorch's). */
ACTGEN_API actgen_status actgen_kernel_create(actgen_kernel **kernel, const char *activation, const char *params,
                                              actgen_dtype dtype, actgen_direction direction);

/* As actgen_kernel_create, on the named target (e.g. "x86-64-avx2"); NULL or "" means automatic selection.
 * A target this machine cannot run is ACTGEN_ERROR_UNSUPPORTED. */
ACTGEN_API actgen_status actgen_kernel_create_on(actgen_kernel **kernel, const char *activation,
                                                 const char *params, actgen_dtype dtype,
                                                 actgen_direction direction, const char *target);

/* Destroys a kernel; NULL is ignored. */
ACTGEN_API void actgen_kernel_destroy(actgen_kernel *kernel);

/* y[i] = f(x[i]) for i < n. The kernel must be a forward kernel. */
ACTGEN_API actgen_status actgen_forward(const actgen_kernel *kernel, const void *x, void *y, size_t n);

/* dx[i] = dy[i] * f'(x[i]) for i < n. The kernel must be a backward kernel. A NaN x[i] or dy[i] gives a NaN dx[i];
 * where both are NaN, which of the two NaNs (sign, payload) comes out is unspecified (IEEE 754 leaves it open too),
 * and may differ between call sizes. One NaN input gives the same result bits whatever n, thread count or
 * position. */
ACTGEN_API actgen_status actgen_backward(const actgen_kernel *kernel, const void *x, const void *dy, void *dx,
                                         size_t n);

/* As actgen_forward / actgen_backward, launched on the given CUDA stream (a CUstream / cudaStream_t; NULL is
 * the default stream) for a kernel whose target's memory is ACTGEN_MEMORY_CUDA: x, y, dy, dx are device
 * pointers, and the call returns once the work is queued (synchronize the stream before reading the output).
 * Host pointers are refused (INVALID_ARGUMENT). For a host kernel, stream must be NULL. actgen_forward on a CUDA
 * kernel is actgen_forward_stream with stream NULL. */
ACTGEN_API actgen_status actgen_forward_stream(const actgen_kernel *kernel, const void *x, void *y, size_t n,
                                               void *stream);
ACTGEN_API actgen_status actgen_backward_stream(const actgen_kernel *kernel, const void *x, const void *dy, void *dx,
                                                size_t n, void *stream);

/* Dead-unit and sparsity statistics, counted by the forward pass itself. Grows at its end only: set size =
 * sizeof(actgen_counts) (ACTGEN_COUNTS_INIT does); the library writes only the fields that fit in size. */
typedef struct actgen_counts {
  size_t size;
  uint64_t zero_outputs; /* outputs that are exactly +0 or -0 (in the kernel's dtype) */
  uint64_t flat_inputs;  /* inputs in the activation's flat region, where f'(x) = 0 and the backward gives 0 (relu:
                          * x <= 0; relu6: x <= 0 or x >= 6; ...; 0 for activations that have none) */
} actgen_counts;
#define ACTGEN_COUNTS_INIT { sizeof(actgen_counts), 0, 0 }

/* As actgen_forward, and in the same pass counts the zero outputs and the flat-region inputs into *counts (set,
 * not added to: a caller accumulates over calls itself). The counts are exact (integers), whatever the thread
 * count. Errors as actgen_forward, plus: counts NULL or its size below the first version (INVALID_ARGUMENT, nothing
 * written); a kernel without a counting variant (UNSUPPORTED: this release builds them for the CPU targets).
 * n == 0 sets both counts to 0. */
ACTGEN_API actgen_status actgen_forward_counted(const actgen_kernel *kernel, const void *x, void *y, size_t n,
                                                actgen_counts *counts);

/* The target the kernel runs on, e.g. "x86-64-avx512"; NULL for a NULL kernel. */
ACTGEN_API const char *actgen_kernel_target(const actgen_kernel *kernel);

/* This thread's last failure message ("" if none). Valid until the thread's next failing call. */
ACTGEN_API const char *actgen_last_error(void);

/* The activation catalog, in a fixed order. Out-of-range indices give NULL / 0 / NaN. */
ACTGEN_API size_t actgen_activation_count(void);
ACTGEN_API const char *actgen_activation_name(size_t i);
ACTGEN_API size_t actgen_activation_param_count(size_t i);
ACTGEN_API const char *actgen_activation_param_name(size_t i, size_t j);
ACTGEN_API double actgen_activation_param_default(size_t i, size_t j);
/* The index of the parameter activation i takes per channel in the channel form (ACTGEN_FORM_CHANNEL; prelu:
 * 0, its weight), or -1 when it has none (and for an out-of-range i). */
ACTGEN_API int actgen_activation_channel_param(size_t i);

/* Every target kernels were generated for, in order of preference (best first), and whether this machine
 * can run each. Automatic selection only picks host-memory targets; a GPU target is chosen by name
 * (actgen_kernel_create_on, actgen_set_target or ACTGEN_TARGET, e.g. "cuda"). */
ACTGEN_API size_t actgen_target_count(void);
ACTGEN_API const char *actgen_target_name(size_t i);
ACTGEN_API int actgen_target_available(size_t i);
/* Where kernels of target i take their data (host memory unless the target is a GPU). */
ACTGEN_API actgen_memory actgen_target_memory(size_t i);
/* The device a GPU target runs on (e.g. the CUDA device's name) when available; "" otherwise. */
ACTGEN_API const char *actgen_target_device(size_t i);

/* The element types this build has kernels for, in a fixed order (f32 first): actgen_dtype_at(i) is an
 * actgen_dtype value, -1 out of range. Name ("f32", "f16", "bf16") and bytes per element of a dtype; NULL / 0 for
 * one this build does not have. */
ACTGEN_API size_t actgen_dtype_count(void);
ACTGEN_API int actgen_dtype_at(size_t i);
ACTGEN_API const char *actgen_dtype_name(actgen_dtype dtype);
ACTGEN_API size_t actgen_dtype_size(actgen_dtype dtype);

/* Number of plain kernels this build holds (every activation x direction x dtype x target generated; the fused
 * forms' kernels are not counted). */
ACTGEN_API size_t actgen_kernel_count(void);

/* Pins the target used by actgen_kernel_create for kernels created afterwards (NULL or "" restores automatic
 * selection); overrides ACTGEN_TARGET. Unknown target: INVALID_ARGUMENT; one this machine lacks: UNSUPPORTED. */
ACTGEN_API actgen_status actgen_set_target(const char *target);

/* The CPU features the runtime detected, space separated (e.g. "sse41 avx avx2 fma avx512f ..."). */
ACTGEN_API const char *actgen_cpu_features(void);

/* Number of worker threads kernels may use for large inputs (n >= 1); 0 restores the default (one per core). */
ACTGEN_API actgen_status actgen_set_num_threads(int n);

ACTGEN_API const char *actgen_version(void);

/* ==== Fused forms ==========================================================================================
 * One kernel object per (activation, parameters, dtype, direction, form, target), created from a descriptor.
 * Every form uses the catalog's definition of the activation (forward and backward), never a second one.
 *
 * Gated (ACTGEN_FORM_GATED): y[r, j] = f(a[r, j]) * g[r, j] for r < rows, j < d, where a and g are given as two
 * pointers with one row stride (in elements), so both orders of a [rows, 2d] tensor are covered: vLLM's
 * silu_and_mul activates the first half (a = x, g = x + d, stride 2d), PyTorch's F.glu the second (a = x + d,
 * g = x). Backward: da = dy * g * f'(a), dg = dy * f(a), computed in one pass (da, dg may be written over a, g).
 * Aliases, for the gated form only: glu (sigmoid, PyTorch's order: the packed calls activate the second half),
 * swiglu (silu), geglu (gelu), geglu_tanh (gelu_tanh), reglu (relu); the packed calls activate the first half
 * for these and for any catalog name.
 *
 * Errors (status + actgen_last_error(), nothing written): a NULL kernel or a kernel of another form or
 * direction; rows > 0 with d == 0; a row stride below d; a NULL pointer with rows > 0; an output that shares
 * an element with an input without being it exactly (same pointer and stride), or with another output; a
 * stream for a host kernel. rows == 0 (or d == 0 with rows == 0) is a no-op after the kernel checks.
 *
 * Bias (ACTGEN_FORM_BIAS): y = f(x + b) with a per-channel bias b, and its backward with db; see the bias calls
 * below.
 *
 * Channel (ACTGEN_FORM_CHANNEL): an activation parameter learned per channel (prelu's weight, PyTorch's
 * F.prelu(x, weight) with C weights), and its backward with the parameter's gradient; see the channel calls
 * below. Only activations whose definition declares such a parameter take it (actgen_activation_channel_param).
 *
 * Dtypes: every form in f32 on every target, and in f16 and bf16 on the CPU targets (CUDA targets: f32 only,
 * ACTGEN_ERROR_UNSUPPORTED). A 16-bit call runs the target's f32 form kernels between the runtime's conversions
 * (README, "Half precision": inputs decoded exactly, outputs rounded to nearest even): y, dx, da and dg are the f32
 * form's results on the decoded inputs, rounded to the dtype; the counting calls count the zero outputs in the
 * dtype. db and dw are the f32 sums over tiles of at most 16384 elements, added in double and rounded to the
 * dtype: deterministic for any thread count; against the exact sum of the returned dx (db) or of the exact terms
 * (dw), within the f32 bound below plus half an ulp of the dtype per dx term (dx is returned rounded) and half an
 * ulp of the dtype for the result's own rounding. */
#if defined(__cplusplus)
#define ACTGEN_INT_ENUM : int
#else
#define ACTGEN_INT_ENUM
#endif
typedef enum ACTGEN_INT_ENUM {
  ACTGEN_FORM_PLAIN = 0,
  ACTGEN_FORM_GATED = 1,
  ACTGEN_FORM_BIAS = 2,
  ACTGEN_FORM_CHANNEL = 3
} actgen_form;
#undef ACTGEN_INT_ENUM

/* Grows at its end only; set size = sizeof(actgen_kernel_desc) (ACTGEN_KERNEL_DESC_INIT does). The library
 * reads only the fields that fit in size, and gives later fields their defaults. */
typedef struct actgen_kernel_desc {
  size_t size;
  const char *activation;      /* catalog name, or (gated form) an alias */
  const char *params;          /* NULL or "" for defaults, else "name=value,..." */
  actgen_dtype dtype;
  actgen_direction direction;
  actgen_form form;
  const char *target;          /* NULL or "" for automatic selection (actgen_kernel_create_on's rules) */
} actgen_kernel_desc;

#define ACTGEN_KERNEL_DESC_INIT \
  { sizeof(actgen_kernel_desc), NULL, NULL, ACTGEN_F32, ACTGEN_FORWARD, ACTGEN_FORM_PLAIN, NULL }

/* Creates any kernel, plain (as actgen_kernel_create_on) or fused. An activation a form cannot take, or a size
 * smaller than the first version of the struct, is INVALID_ARGUMENT. */
ACTGEN_API actgen_status actgen_kernel_create_desc(actgen_kernel **kernel, const actgen_kernel_desc *desc);

/* The kernel's form; ACTGEN_FORM_PLAIN for a NULL kernel. */
ACTGEN_API actgen_form actgen_kernel_form(const actgen_kernel *kernel);

/* Gated forward: a, g with row stride in_stride, y with row stride y_stride (elements). */
ACTGEN_API actgen_status actgen_gated_forward(const actgen_kernel *kernel, size_t rows, size_t d, const void *a,
                                              const void *g, size_t in_stride, void *y, size_t y_stride);
/* Gated backward: dy with row stride dy_stride; da and dg with row stride grad_stride. */
ACTGEN_API actgen_status actgen_gated_backward(const actgen_kernel *kernel, size_t rows, size_t d, const void *a,
                                               const void *g, size_t in_stride, const void *dy, size_t dy_stride,
                                               void *da, void *dg, size_t grad_stride);
/* Packed: x and dx are [rows, 2d] row-major, y and dy [rows, d]; the half activated is the kernel's (above). */
ACTGEN_API actgen_status actgen_gated_forward_packed(const actgen_kernel *kernel, size_t rows, size_t d,
                                                     const void *x, void *y);
ACTGEN_API actgen_status actgen_gated_backward_packed(const actgen_kernel *kernel, size_t rows, size_t d,
                                                      const void *x, const void *dy, void *dx);
/* The same on a CUDA stream (device pointers), as actgen_forward_stream. */
ACTGEN_API actgen_status actgen_gated_forward_stream(const actgen_kernel *kernel, size_t rows, size_t d,
                                                     const void *a, const void *g, size_t in_stride, void *y,
                                                     size_t y_stride, void *stream);
ACTGEN_API actgen_status actgen_gated_backward_stream(const actgen_kernel *kernel, size_t rows, size_t d,
                                                      const void *a, const void *g, size_t in_stride,
                                                      const void *dy, size_t dy_stride, void *da, void *dg,
                                                      size_t grad_stride, void *stream);

/* The gated forward with the dead-unit statistics (as actgen_forward_counted), in the same pass: *counts gets the
 * zero outputs (y == +-0: f(a) == 0 or g == 0) and the activated inputs a in the activation's flat region (where
 * f'(a) = 0, so da = 0; never NaN) over all rows * d outputs; set, not added to; exact for any thread count.
 * Host-memory targets only (a CUDA kernel: ACTGEN_ERROR_UNSUPPORTED). Errors as actgen_gated_forward, plus counts
 * NULL or its size below the first version. rows == 0 sets both counts to 0. The packed call takes x [rows, 2d]
 * and y [rows, d] as actgen_gated_forward_packed. */
ACTGEN_API actgen_status actgen_gated_forward_counted(const actgen_kernel *kernel, size_t rows, size_t d,
                                                      const void *a, const void *g, size_t in_stride, void *y,
                                                      size_t y_stride, actgen_counts *counts);
ACTGEN_API actgen_status actgen_gated_forward_packed_counted(const actgen_kernel *kernel, size_t rows, size_t d,
                                                             const void *x, void *y, actgen_counts *counts);

/* Bias (ACTGEN_FORM_BIAS): y = f(x + b) for x of shape [outer, channels, inner] row-major (inner fastest): NCHW
 * is outer = N, inner = H * W; channels-last [rows, C] is outer = rows, inner = 1. b has `channels` elements.
 * x + b is rounded to the dtype first (f32), and f is applied to that rounded sum: the accuracy contract of f is
 * relative to f(fl(x + b)). Backward: dx = dy * f'(fl(x + b)), and db[c] = the sum of dx[o, c, i] over o < outer,
 * i < inner, computed in the same pass as dx on CPU targets (CUDA: a second launch that reads dx back).
 * db is deterministic: the same bits for any thread count (the blocks depend on the shape only; they may differ
 * between targets). Bound, against the exact sum of the dx values the call returned:
 *   |db[c] - sum dx| <= 257 * 2^-24 * sum |dx|      (f32 blocks of at most 256 terms, their sums added in double;
 *                                                   fewer than 2^28 blocks per channel)
 * In place: y == x; dx == dy or dx == x (the same pointer: x and dy hold outer * channels * inner elements).
 * Errors (status + actgen_last_error(), nothing written): a NULL kernel or a kernel of another form or
 * direction; channels == 0 with outer * inner > 0; inner == 0 with outer * channels > 0; a NULL pointer for an
 * operand that holds elements; an output sharing an element with an input other than exactly in place, or with
 * the other output (dx and db); a stream for a host kernel. Zero elements (outer, channels or inner 0) is a
 * no-op, with one exception: the backward then sets db to +0 (channels elements; db must not be NULL when
 * channels > 0), since a sum over no terms is 0. */
ACTGEN_API actgen_status actgen_bias_forward(const actgen_kernel *kernel, size_t outer, size_t channels,
                                             size_t inner, const void *x, const void *b, void *y);
ACTGEN_API actgen_status actgen_bias_backward(const actgen_kernel *kernel, size_t outer, size_t channels,
                                              size_t inner, const void *x, const void *b, const void *dy, void *dx,
                                              void *db);
/* The same on a CUDA stream (device pointers, db included), as actgen_forward_stream. The backward copies db's
 * partial sums to the host, adds them there and copies db to the device before it returns. */
ACTGEN_API actgen_status actgen_bias_forward_stream(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                    size_t inner, const void *x, const void *b, void *y,
                                                    void *stream);
ACTGEN_API actgen_status actgen_bias_backward_stream(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                     size_t inner, const void *x, const void *b, const void *dy,
                                                     void *dx, void *db, void *stream);
/* Channel (ACTGEN_FORM_CHANNEL): y = f(x; p) for x of shape [outer, channels, inner] as the bias form (NCHW:
 * outer = N, inner = H * W; channels-last [rows, C]: inner = 1), where the activation's per-channel parameter
 * p[k] (k = actgen_activation_channel_param; prelu: weight) is w[c] for the elements of channel c (channels = 1:
 * one shared weight); the other parameters come from the kernel's params as usual (the per-channel one's value
 * there is ignored). Backward: dx = dy * df/dx (x; p), and dw[c] = the sum over o < outer, i < inner of
 * dy * df/dp[k] at (x; p) (prelu: dy * x where x <= 0, PyTorch's convention), computed in the same pass as dx
 * on CPU targets (CUDA: a second launch). dw is deterministic as the bias form's db (same blocks), with the bound,
 * against the exact sum of the exact terms t = dy * df/dp[k]:
 *   |dw[c] - sum t| <= 258 * 2^-24 * sum |t|
 * Where the target has FMA (x86-64-avx2, x86-64-avx512, AArch64, CUDA) prelu's term dy * x is added to its
 * block's running sum with one rounding (fma); elsewhere each term is rounded to f32 first. A term with NaN x or
 * NaN dy is NaN, and so is prelu's with an infinite dy where x > 0 (dy * 0; PyTorch's term is 0 in both cases); a
 * channel with such a term, or with a term beyond f32's range, gets a non-finite dw (with fma, a term beyond
 * the range that the running sum brings back inside it, |t| < 2^129, is kept finite: the sum is then within the
 * bound above).
 * In place: y == x; dx == dy or dx == x on CPU targets (on CUDA dx must not share elements with x or dy: the
 * second launch reads them). Errors and zero elements as the bias form (dw is set to +0 for a call with zero
 * elements and channels > 0). */
ACTGEN_API actgen_status actgen_channel_forward(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                size_t inner, const void *x, const void *w, void *y);
ACTGEN_API actgen_status actgen_channel_backward(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                 size_t inner, const void *x, const void *w, const void *dy,
                                                 void *dx, void *dw);
ACTGEN_API actgen_status actgen_channel_forward_stream(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                       size_t inner, const void *x, const void *w, void *y,
                                                       void *stream);
ACTGEN_API actgen_status actgen_channel_backward_stream(const actgen_kernel *kernel, size_t outer,
                                                        size_t channels, size_t inner, const void *x,
                                                        const void *w, const void *dy, void *dx, void *dw,
                                                        void *stream);
/* The bias and channel forwards with the dead-unit statistics (as actgen_forward_counted), in the same pass:
 * *counts gets the zero outputs (y == +-0) and the inputs in the activation's flat region (of x + b[c] for the
 * bias form; of x with the channel's parameter for the channel form; never NaN) over all outer * channels * inner
 * elements, and, when channel_flat is not NULL, channel_flat[c] = the flat-region inputs of channel c (channels
 * entries): channel_flat[c] == outer * inner means channel c was dead for the whole call. Both are set, not
 * added to, and exact whatever the thread count. Host-memory targets only: a CUDA kernel gets
 * ACTGEN_ERROR_UNSUPPORTED. Errors as the forward, plus: counts NULL or its size below the first version;
 * channel_flat overlapping counts or another operand. Zero elements: the counts (and channel_flat) are set to 0. */
ACTGEN_API actgen_status actgen_bias_forward_counted(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                     size_t inner, const void *x, const void *b, void *y,
                                                     actgen_counts *counts, uint64_t *channel_flat);
ACTGEN_API actgen_status actgen_channel_forward_counted(const actgen_kernel *kernel, size_t outer, size_t channels,
                                                        size_t inner, const void *x, const void *w, void *y,
                                                        actgen_counts *counts, uint64_t *channel_flat);
/* ==== End of fused forms ================================================================================== */

#ifdef __cplusplus
}
#endif

#endif /* ACTGEN_ACTGEN_H */
