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
        let name = recipe.name
        if let mlp = model as? MLP {
            return dense(name, mlp.hidden + [mlp.logits], rows: recipe.data.batchSize)
        }
        if let resnet = model as? ResNetClassifier, case .resnet(let c) = recipe.model {
            let task = ImageClassificationTask(recipe: recipe, config: c)
            return convolutions(name, resnet, batch: try task.buildInputs().batch(at: 0))
        }
        if let bert = model as? BertPretrainer, case .bertPretrainer(let c) = recipe.model {
            let task = BertPretrainingTask(recipe: recipe, config: c)
            return transformer(name, bert, batch: try task.buildInputs().batch(at: 0))
        }
        return []
    }

    /// Each Dense layer on `[rows, in]`: forward `x·W`, input gradient `g·Wᵀ`, kernel
    /// gradient `xᵀ·g`, as `MatMul` and its vjp run them.
    static func dense(_ recipe: String, _ layers: [Dense], rows: Int) -> [GemmCase] {
        layers.flatMap { layer -> [GemmCase] in
            let (k, n) = (layer.kernel.value.shape[0], layer.kernel.value.shape[1])
            let x = benchTensor([rows, k]), w = benchTensor([k, n]), g = benchTensor([rows, n])
            let label = "\(recipe) \(layer.name) [\(rows),\(k)]x[\(k),\(n)]"
            return [
                GemmCase(name: label + " forward", op: "matmul", m: rows, n: n, k: k) {
                    _ = x.matmul(w)
                },
                GemmCase(
                    name: label + " input grad", op: "matmul", m: rows, n: k, k: n, transB: true
                ) {
                    _ = g.matmul(w, transposeB: true)
                },
                GemmCase(
                    name: label + " kernel grad", op: "matmul", m: k, n: n, k: rows, transA: true
                ) {
                    _ = x.matmul(g, transposeA: true)
                },
            ]
        }
    }

    /// Every distinct convolution of the classifier at its training resolution: forward,
    /// input gradient and filter gradient (im2col + one GEMM over the batch's patches).
    static func convolutions(_ recipe: String, _ model: ResNetClassifier, batch: SupervisedBatch)
        -> [GemmCase]
    {
        let input = batch.inputs.shape
        var size = input[1]
        var convs: [(String, GardenNN.Conv2D, Int)] = [("stem", model.stem.conv, size)]
        size = (size + model.stem.conv.stride - 1) / model.stem.conv.stride
        for stage in model.stages {
            for block in stage.blocks {
                let inSize = size
                convs.append(("\(stage.name)/\(block.name)/conv1", block.conv1, inSize))
                size = (inSize + block.conv1.stride - 1) / block.conv1.stride
                convs.append(("\(stage.name)/\(block.name)/conv2", block.conv2, size))
                if let s = block.shortcut {
                    convs.append(("\(stage.name)/\(block.name)/shortcut_conv", s.conv, inSize))
                }
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
            let x = benchTensor([n, h, h, f[2]]), w = benchTensor(f),
                dy = benchTensor([n, o, o, cout])
            let reference = Im2colReference(
                n: n, h: h, cin: f[2], k: f[0], cout: cout, stride: conv.stride,
                threads: BLAS.threads)
            let (stride, shape) = (
                conv.stride, "\(recipe) \(label) x[\(n),\(h),\(h),\(f[2])] f\(f) s\(conv.stride)"
            )
            out += [
                GemmCase(
                    name: shape + " forward", op: "conv2d", m: rows, n: cout, k: patch,
                    im2colSgemm: reference.forward
                ) {
                    _ = x.conv2d(w, stride: stride)
                },
                GemmCase(
                    name: shape + " input grad", op: "conv2d_backprop_input", m: rows, n: patch,
                    k: cout, transB: true, im2colSgemm: reference.inputGradient
                ) {
                    _ = Tensor.conv2dBackpropInput(
                        inputShape: x.shape, filter: w, outBackprop: dy,
                        stride: stride, padding: .same)
                },
                GemmCase(
                    name: shape + " filter grad", op: "conv2d_backprop_filter", m: patch, n: cout,
                    k: rows, transA: true, im2colSgemm: reference.filterGradient
                ) {
                    _ = x.conv2dBackpropFilter(
                        filterShape: f, outBackprop: dy, stride: stride, padding: .same)
                },
            ]
        }
        return out
    }

    /// BERT's products at the batch's `[B, S]` and `P` masked positions: the Dense layers on
    /// `[B, S, H]` (a shared kernel: one tall GEMM), the attention scores and context (one GEMM
    /// per batch·head), and the tied masked-LM projection.
    static func transformer(_ recipe: String, _ model: BertPretrainer, batch: PretrainingBatch)
        -> [GemmCase]
    {
        let c = model.encoder.config
        let (b, s) = (batch.inputWordIds.shape[0], batch.inputWordIds.shape[1])
        let p = batch.maskedLMPositions.shape[1]
        let (h, a, i, v) = (
            c.hiddenSize, c.numAttentionHeads, c.intermediateSize, model.encoder.vocabSize
        )
        let d = h / a
        var out: [GemmCase] = []
        for (label, k, n) in [
            ("query/key/value/output", h, h), ("intermediate", h, i), ("output", i, h),
        ] {
            let x = benchTensor([b, s, k]), w = benchTensor([k, n])
            out.append(
                GemmCase(
                    name: "\(recipe) \(label) [\(b),\(s),\(k)]x[\(k),\(n)] forward",
                    op: "batch_matmul", m: b * s, n: n, k: k
                ) { _ = x.batchMatmul(w) })
        }
        let q = benchTensor([b, a, s, d]), kk = benchTensor([b, a, s, d]),
            probs = benchTensor([b, a, s, s])
        out.append(
            GemmCase(
                name: "\(recipe) attention scores [\(b),\(a),\(s),\(d)]x[..,\(d),\(s)]",
                op: "batch_matmul", count: b * a, m: s, n: s, k: d, transB: true
            ) {
                _ = q.batchMatmul(kk, adjY: true)
            })
        out.append(
            GemmCase(
                name: "\(recipe) attention context [\(b),\(a),\(s),\(s)]x[..,\(s),\(d)]",
                op: "batch_matmul", count: b * a, m: s, n: d, k: s
            ) { _ = probs.batchMatmul(kk) })
        let hm = benchTensor([b, p, h]), table = benchTensor([v, h])
        out.append(
            GemmCase(
                name: "\(recipe) masked LM logits [\(b),\(p),\(h)]x[\(v),\(h)]^T",
                op: "batch_matmul", m: b * p, n: v, k: h, transB: true
            ) {
                _ = hm.batchMatmul(table, adjY: true)
            })
        return out
    }
}
