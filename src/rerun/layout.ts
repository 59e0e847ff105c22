/**
 * The lesson generates its test images as NHWC (`np.random.randn(N, H, W, 3)`) and transposes them to
 * NCHW (`np.transpose(x, (0, 3, 1, 2))`) before both PyTorch and ONNX Runtime. Same here, pure.
 */
export function nhwcToNchw(data: ArrayLike<number>, n: number, h: number, w: number, c: number): Float32Array {
  if (data.length !== n * h * w * c) {
    throw new RangeError(`nhwcToNchw: ${data.length} values do not fill [${n}, ${h}, ${w}, ${c}]`);
  }
  const out = new Float32Array(data.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const pixel = y * w + x;
        for (let k = 0; k < c; k++) out[base + k * plane + pixel] = data[base + pixel * c + k];
      }
    }
  }
  return out;
}
