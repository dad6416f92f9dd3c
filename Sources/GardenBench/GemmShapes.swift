import GardenModels
import GardenNN
import GardenRecipes
import GardenTensor
import GardenTrain

/// The GEMM shapes a recipe's training step runs, read from the model the recipe builds and
/// from one of its batches, so they follow the recipe (and its `--set` overrides).
enum GemmShapes {
    static func cases(_ recipe: Recipe) throws -> [GemmCase] {
        let model = ModelFactory.make(recipe)
        let batch = try DataFactory.make(recipe).batch(at: 0)
        let name = recipe.name
        if let mlp = model as? MLP { return dense(name, mlp.hidden + [mlp.logits], rows: recipe.data.batchSize) }
        if let resnet = model as? ResNetClassifier { return convolutions(name, resnet, batch: batch) }
        if let bert = model as? BertPretrainer { return transformer(name, bert, batch: batch) }
        return []
    }

    /// Each Dense layer on `[rows, in]`: forward `x·W`, input gradient `g·Wᵀ`, kernel
    /// gradient `xᵀ·g`, as `MatMul` and its vjp run them.
    static func dense(_ recipe: String, _ layers: [Dense], rows: Int) -> [GemmCase] {
        layers.flatMap { layer -> [GemmCase] in
            let (k, n) = (layer.kernel.value.shape[0], layer.kernel.value.shape[1])
            let x = benchTensor([rows, k]), w = benchTensor([k, n]), g = benchTensor([rows, n])
            let buf = GemmBuffers(a: rows * max(k, n), b: k * n, c: rows * max(k, n) + k * n)
            let label = "\(recipe) \(layer.name) [\(rows),\(k)]x[\(k),\(n)]"
            return [
                GemmCase(name: label + " forward", op: "matmul", gemm: (1, rows, n, k),
                         layer: { _ = x.matmul(w) },
                         direct: { buf.sgemm(count: 1, transA: false, transB: false, m: rows, n: n, k: k) }),
                GemmCase(name: label + " input grad", op: "matmul", gemm: (1, rows, k, n),
                         layer: { _ = g.matmul(w, transposeB: true) },
                         direct: { buf.sgemm(count: 1, transA: false, transB: true, m: rows, n: k, k: n) }),
                GemmCase(name: label + " kernel grad", op: "matmul", gemm: (1, k, n, rows),
                         layer: { _ = x.matmul(g, transposeA: true) },
                         direct: { buf.sgemm(count: 1, transA: true, transB: false, m: k, n: n, k: rows) }),
            ]
        }
    }

    /// Every distinct convolution of the classifier at its training resolution: forward,
    /// input gradient and filter gradient (im2col + one GEMM over the batch's patches).
    static func convolutions(_ recipe: String, _ model: ResNetClassifier, batch: Batch) -> [GemmCase] {
        let input = batch.inputs[0].shape
        var size = input[1]
        var convs: [(String, GardenNN.Conv2D, Int)] = [("stem", model.stem.conv, size)]
        size = (size + model.stem.conv.stride - 1) / model.stem.conv.stride
        for stage in model.stages {
            for block in stage.blocks {
                let inSize = size
                convs.append(("\(stage.name)/\(block.name)/conv1", block.conv1, inSize))
                size = (inSize + block.conv1.stride - 1) / block.conv1.stride
                convs.append(("\(stage.name)/\(block.name)/conv2", block.conv2, size))
                if let s = block.shortcut { convs.append(("\(stage.name)/\(block.name)/shortcut_conv", s.conv, inSize)) }
            }
        }
        var seen = Set<String>()
        var out: [GemmCase] = []
        let n = input[0]
        for (label, conv, h) in convs {
            let f = conv.kernel.value.shape  // [kh, kw, cin, cout]
            let key = "\(h) \(f) \(conv.stride)"
            if !seen.insert(key).inserted { continue }
            let o = (h + conv.stride - 1) / conv.stride
            let (rows, patch, cout) = (n * o * o, f[0] * f[1] * f[2], f[3])
            let x = benchTensor([n, h, h, f[2]]), w = benchTensor(f), dy = benchTensor([n, o, o, cout])
            let buf = GemmBuffers(a: rows * max(patch, cout), b: patch * cout, c: rows * max(patch, cout))
            let (stride, shape) = (conv.stride, "\(recipe) \(label) x[\(n),\(h),\(h),\(f[2])] f\(f) s\(conv.stride)")
            out += [
                GemmCase(name: shape + " forward", op: "conv2d", gemm: (1, rows, cout, patch),
                         layer: { _ = x.conv2d(w, stride: stride) },
                         direct: { buf.sgemm(count: 1, transA: false, transB: false, m: rows, n: cout, k: patch) }),
                GemmCase(name: shape + " input grad", op: "conv2d_backprop_input", gemm: (1, rows, patch, cout),
                         layer: {
                             _ = Tensor.conv2dBackpropInput(inputShape: x.shape, filter: w, outBackprop: dy,
                                                            stride: stride, padding: .same)
                         },
                         direct: { buf.sgemm(count: 1, transA: false, transB: true, m: rows, n: patch, k: cout) }),
                GemmCase(name: shape + " filter grad", op: "conv2d_backprop_filter", gemm: (1, patch, cout, rows),
                         layer: {
                             _ = x.conv2dBackpropFilter(filterShape: f, outBackprop: dy, stride: stride, padding: .same)
                         },
                         direct: { buf.sgemm(count: 1, transA: true, transB: false, m: patch, n: cout, k: rows) }),
            ]
        }
        return out
    }

    /// BERT's products at the batch's `[B, S]` and `P` masked positions: the Dense layers on
    /// `[B, S, H]` (a shared kernel: one tall GEMM), the attention scores and context (one GEMM
    /// per batch·head), and the tied masked-LM projection.
    static func transformer(_ recipe: String, _ model: BertPretrainer, batch: Batch) -> [GemmCase] {
        let c = model.encoder.config
        let (b, s) = (batch.inputs[0].shape[0], batch.inputs[0].shape[1])
        let p = batch.inputs[3].shape[1]
        let (h, a, i, v) = (c.hiddenSize, c.numAttentionHeads, c.intermediateSize, c.vocabSize)
        let d = h / a
        var out: [GemmCase] = []
        for (label, k, n) in [("query/key/value/output", h, h), ("intermediate", h, i), ("output", i, h)] {
            let x = benchTensor([b, s, k]), w = benchTensor([k, n])
            let buf = GemmBuffers(a: b * s * k, b: k * n, c: b * s * n)
            out.append(GemmCase(
                name: "\(recipe) \(label) [\(b),\(s),\(k)]x[\(k),\(n)] forward", op: "batch_matmul",
                gemm: (1, b * s, n, k), layer: { _ = x.batchMatmul(w) },
                direct: { buf.sgemm(count: 1, transA: false, transB: false, m: b * s, n: n, k: k) }))
        }
        let q = benchTensor([b, a, s, d]), kk = benchTensor([b, a, s, d]), probs = benchTensor([b, a, s, s])
        let scores = GemmBuffers(a: b * a * s * d, b: b * a * s * d, c: b * a * s * s)
        out.append(GemmCase(
            name: "\(recipe) attention scores [\(b),\(a),\(s),\(d)]x[..,\(d),\(s)]", op: "batch_matmul",
            gemm: (b * a, s, s, d), layer: { _ = q.batchMatmul(kk, adjY: true) },
            direct: { scores.sgemm(count: b * a, transA: false, transB: true, m: s, n: s, k: d) }))
        let context = GemmBuffers(a: b * a * s * s, b: b * a * s * d, c: b * a * s * d)
        out.append(GemmCase(
            name: "\(recipe) attention context [\(b),\(a),\(s),\(s)]x[..,\(s),\(d)]", op: "batch_matmul",
            gemm: (b * a, s, d, s), layer: { _ = probs.batchMatmul(kk) },
            direct: { context.sgemm(count: b * a, transA: false, transB: false, m: s, n: d, k: s) }))
        let hm = benchTensor([b, p, h]), table = benchTensor([v, h])
        let mlm = GemmBuffers(a: b * p * h, b: v * h, c: b * p * v)
        out.append(GemmCase(
            name: "\(recipe) masked LM logits [\(b),\(p),\(h)]x[\(v),\(h)]^T", op: "batch_matmul",
            gemm: (1, b * p, v, h), layer: { _ = hm.batchMatmul(table, adjY: true) },
            direct: { mlm.sgemm(count: 1, transA: false, transB: true, m: b * p, n: v, k: h) }))
        return out
    }
}
