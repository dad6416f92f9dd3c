import GardenTensor

/// BERT pre-training examples from paragraphs of sentences (Devlin et al., 2019, §3.1 and
/// appendix A.1; google-research/bert `create_pretraining_data.py`), deterministic in the seed.
///
/// Each example is `[CLS] A [SEP] B [SEP]` padded to `seqLength`: A is one or more consecutive
/// sentences of a paragraph; B is, with probability 1/2, the sentences that follow (label 0,
/// "is next"), else sentences of another paragraph (label 1, "random"). Then 15% of the
/// non-special tokens (at least one, at most `maxPredictions`) are picked for prediction; each
/// becomes `[MASK]` with probability 0.8, a random token with 0.1, and stays with 0.1.
public struct PretrainingData {
    public var seqLength: Int
    public var maxPredictions: Int
    public var maskedFraction: Float = 0.15
    public var seed: UInt64

    public init(seqLength: Int, maxPredictions: Int, seed: UInt64) {
        self.seqLength = seqLength; self.maxPredictions = maxPredictions; self.seed = seed
    }

    /// One example before batching.
    public struct Example: Equatable {
        public var wordIds: [Int32], mask: [Int32], typeIds: [Int32]
        public var positions: [Int32], maskedIds: [Int32], weights: [Float]
        public var nextSentenceLabel: Int32
    }

    /// `count` examples from `paragraphs` (token ids per sentence; empty sentences are dropped).
    public func examples(count: Int, paragraphs: [[[Int32]]], vocabulary: Vocabulary) -> [Example] {
        let docs = paragraphs.map { $0.filter { !$0.isEmpty } }.filter { !$0.isEmpty }
        guard !docs.isEmpty else { return [] }
        return (0..<count).map { example(index: $0, docs: docs, vocabulary: vocabulary) }
    }

    func example(index: Int, docs: [[[Int32]]], vocabulary: Vocabulary) -> Example {
        var r = RandomStream(seed: seed, stream: stableHash("data/bert/example") &+ UInt64(index))
        let budget = seqLength - 3
        let d = r.int(docs.count)
        let doc = docs[d]
        // Start where at least one sentence follows when the paragraph has two or more.
        var s = doc.count > 1 ? r.int(doc.count - 1) : 0
        var a: [Int32] = []
        repeat { a += doc[s]; s += 1 } while s < doc.count - 1 && a.count < budget / 2
        var b: [Int32] = []
        let isNext = s < doc.count && (docs.count == 1 || r.uniform() < 0.5)
        if isNext {
            while s < doc.count && b.count < budget - a.count { b += doc[s]; s += 1 }
        } else {
            // Another paragraph; a one-paragraph corpus can only draw from itself.
            var other = docs.count > 1 ? r.int(docs.count - 1) : d
            if docs.count > 1 && other >= d { other += 1 }
            var t = r.int(docs[other].count)
            while t < docs[other].count && b.count < budget - a.count {
                b += docs[other][t]; t += 1
            }
        }
        // Truncate the longer side from its end until the pair fits.
        while a.count + b.count > budget {
            if a.count > b.count { a.removeLast() } else { b.removeLast() }
        }
        let (cls, sep) = (
            vocabulary.specialID(Vocabulary.cls), vocabulary.specialID(Vocabulary.sep)
        )
        var ids = [cls] + a + [sep] + b + [sep]
        var types =
            [Int32](repeating: 0, count: a.count + 2) + [Int32](repeating: 1, count: b.count + 1)
        let length = ids.count
        let candidates = Array(1..<a.count + 1) + Array(a.count + 2..<a.count + 2 + b.count)
        let picked = pick(candidates, tokens: length - 3, random: &r)
        var positions: [Int32] = [], originals: [Int32] = []
        let maskID = vocabulary.specialID(Vocabulary.mask)
        let firstOrdinary = Vocabulary.specialTokens.count
        for p in picked {
            positions.append(Int32(p)); originals.append(ids[p])
            let u = r.uniform()
            if u < 0.8 {
                ids[p] = maskID
            } else if u >= 0.9 {
                ids[p] = Int32(firstOrdinary + r.int(max(vocabulary.count - firstOrdinary, 1)))
            }
        }
        let padding = seqLength - length
        ids += [Int32](repeating: 0, count: padding)
        types += [Int32](repeating: 0, count: padding)
        let mask = [Int32](repeating: 1, count: length) + [Int32](repeating: 0, count: padding)
        let unused = maxPredictions - positions.count
        return Example(
            wordIds: ids, mask: mask, typeIds: types,
            positions: positions + [Int32](repeating: 0, count: unused),
            maskedIds: originals + [Int32](repeating: 0, count: unused),
            weights: [Float](repeating: 1, count: positions.count)
                + [Float](repeating: 0, count: unused),
            nextSentenceLabel: isNext ? 0 : 1)
    }

    /// The positions to predict: a seeded shuffle of the candidates, the first
    /// `min(maxPredictions, max(1, round(tokens * maskedFraction)))`, in increasing order.
    func pick(_ candidates: [Int], tokens: Int, random r: inout RandomStream) -> [Int] {
        var c = candidates
        for i in stride(from: c.count - 1, to: 0, by: -1) { c.swapAt(i, r.int(i + 1)) }
        let n = min(
            maxPredictions, max(1, Int((Float(tokens) * maskedFraction).rounded())), c.count)
        return Array(c.prefix(n)).sorted()
    }

    /// The examples as a data set of `PretrainingBatch`es.
    public static func dataset(_ examples: [Example], batchSize: Int, seed: UInt64)
        -> InMemoryDataset<PretrainingBatch>
    {
        let n = examples.count
        let s = examples.first?.wordIds.count ?? 0, p = examples.first?.positions.count ?? 0
        func ints(_ f: (Example) -> [Int32], _ width: Int) -> Tensor {
            Tensor(int32: examples.flatMap(f), shape: [n, width])
        }
        let all = PretrainingBatch(
            inputWordIds: ints(\.wordIds, s), inputMask: ints(\.mask, s),
            inputTypeIds: ints(\.typeIds, s), maskedLMPositions: ints(\.positions, p),
            maskedLMIds: ints(\.maskedIds, p),
            maskedLMWeights: Tensor(examples.flatMap(\.weights), shape: [n, p]),
            nextSentenceLabels: Tensor(int32: examples.map(\.nextSentenceLabel), shape: [n]))
        return InMemoryDataset(all, batchSize: batchSize, seed: seed)
    }
}
