import COpenBLAS
import Dispatch

/// The textbook convolution the GEMM path is held against: im2col of the whole batch into one
/// column matrix, then one `cblas_sgemm` (and, for the input gradient, one product then col2im),
/// as Caffe and Darknet do it. Written here independently of the tensor layer's kernels, on
/// buffers allocated once; im2col and col2im split the batch's images over the same number of
/// threads OpenBLAS gets, so the reference is as parallel as the layer.
///
/// NHWC input `[n, h, h, cin]`, filter `[k, k, cin, cout]`, stride `s`, SAME padding.
final class Im2colReference {
    let n: Int, h: Int, cin: Int, k: Int, cout: Int, s: Int, threads: Int
    let o: Int, padBefore: Int
    var rows: Int { n * o * o }
    var patch: Int { k * k * cin }
    private let input: UnsafeMutablePointer<Float>
    private let filter: UnsafeMutablePointer<Float>
    private let outBackprop: UnsafeMutablePointer<Float>
    private let columns: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<Float>

    init(n: Int, h: Int, cin: Int, k: Int, cout: Int, stride s: Int, threads: Int) {
        (self.n, self.h, self.cin, self.k, self.cout, self.s) = (n, h, cin, k, cout, s)
        self.threads = threads
        o = (h + s - 1) / s
        padBefore = max((o - 1) * s + k - h, 0) / 2
        func filled(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            for i in 0..<count { p[i] = Float(i % 7) * 0.125 - 0.375 }
            return p
        }
        input = filled(n * h * h * cin)
        let patch = k * k * cin
        filter = filled(patch * cout)
        outBackprop = filled(n * o * o * cout)
        columns = filled(n * o * o * patch)
        output = filled(max(n * h * h * cin, n * o * o * cout, patch * cout))
    }

    deinit {
        for p in [input, filter, outBackprop, columns, output] { p.deallocate() }
    }

    /// `body(images)` for the images of each of `threads` parts, the parts in parallel.
    private func overImages(_ body: (Range<Int>) -> Void) {
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            body((part * n / threads)..<((part + 1) * n / threads))
        }
    }

    /// The input pixel row `oy * s + ky - padBefore` (or column), nil in the padding.
    private func source(_ out: Int, _ tap: Int) -> Int? {
        let at = out * s + tap - padBefore
        return at >= 0 && at < h ? at : nil
    }

    private func im2col() {
        let (input, columns, cin, o, k) = (input, columns, cin, o, k)
        overImages { images in
            for image in images {
                for oy in 0..<o {
                    for ox in 0..<o {
                        var column = columns + ((image * o + oy) * o + ox) * patch
                        for ky in 0..<k {
                            for kx in 0..<k {
                                if let y = source(oy, ky), let x = source(ox, kx) {
                                    column.update(
                                        from: input + ((image * h + y) * h + x) * cin, count: cin)
                                } else {
                                    column.update(repeating: 0, count: cin)
                                }
                                column += cin
                            }
                        }
                    }
                }
            }
        }
    }

    private func col2im(into dx: UnsafeMutablePointer<Float>) {
        let (columns, cin, o, k) = (columns, cin, o, k)
        overImages { images in
            guard let first = images.first else { return }
            (dx + first * h * h * cin).update(repeating: 0, count: images.count * h * h * cin)
            for image in images {
                for oy in 0..<o {
                    for ox in 0..<o {
                        var column = columns + ((image * o + oy) * o + ox) * patch
                        for ky in 0..<k {
                            for kx in 0..<k {
                                if let y = source(oy, ky), let x = source(ox, kx) {
                                    let pixel = dx + ((image * h + y) * h + x) * cin
                                    for c in 0..<cin { pixel[c] += column[c] }
                                }
                                column += cin
                            }
                        }
                    }
                }
            }
        }
    }

    private func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), 1, a, Int32(transA ? m : k), b, Int32(transB ? k : n),
            0, c, Int32(n))
    }

    /// y[rows, cout] = im2col(x) · W.
    func forward() {
        im2col()
        sgemm(transA: false, transB: false, m: rows, n: cout, k: patch, columns, filter, output)
    }

    /// dx = col2im(dy · Wᵀ).
    func inputGradient() {
        sgemm(
            transA: false, transB: true, m: rows, n: patch, k: cout, outBackprop, filter, columns)
        col2im(into: output)
    }

    /// dW[patch, cout] = im2col(x)ᵀ · dy.
    func filterGradient() {
        im2col()
        sgemm(transA: true, transB: false, m: patch, n: cout, k: rows, columns, outBackprop, output)
    }
}
