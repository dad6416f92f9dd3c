/// Packs one or two token-id segments into BERT's inputs, as Model Garden's
/// `layers.BertPackInputs` with its default `truncator="round_robin"`: `[CLS] a [SEP]` or
/// `[CLS] a [SEP] b [SEP]`, type ids 0 for `[CLS]`, a and its `[SEP]`, 1 for b and its `[SEP]`,
/// then padding (id 0, mask 0, type 0) to `seqLength`.
///
/// Truncation: the segments share `seqLength - (segments + 1)` tokens, allocated one token at a
/// time to each segment in turn while it has tokens left (tensorflow_text's
/// `RoundRobinTrimmer`: budget 5 over lengths [3, 4, 2] gives [2, 2, 1]); each segment keeps
/// its first tokens.
public struct BertPackInputs: Sendable {
    public var seqLength: Int
    public var clsID: Int32
    public var sepID: Int32

    public init(seqLength: Int, clsID: Int32, sepID: Int32) {
        self.seqLength = seqLength; self.clsID = clsID; self.sepID = sepID
    }

    /// The packing of `vocabulary`'s `[CLS]` and `[SEP]`.
    public init(seqLength: Int, vocabulary: Vocabulary) {
        self.init(
            seqLength: seqLength, clsID: vocabulary.specialID(Vocabulary.cls),
            sepID: vocabulary.specialID(Vocabulary.sep))
    }

    /// One packed example: three int32 rows of `seqLength`.
    public struct Packed: Equatable, Sendable {
        public var wordIds: [Int32]
        public var mask: [Int32]
        public var typeIds: [Int32]
    }

    /// How many tokens each segment keeps of `lengths` within `budget` (round robin).
    public static func roundRobinLengths(_ lengths: [Int], budget: Int) -> [Int] {
        var kept = [Int](repeating: 0, count: lengths.count)
        var left = max(budget, 0)
        while left > 0 {
            var gave = false
            for i in lengths.indices where left > 0 && kept[i] < lengths[i] {
                kept[i] += 1; left -= 1; gave = true
            }
            if !gave { break }
        }
        return kept
    }

    /// `segments` (one or two) truncated, joined with the special tokens and padded.
    public func pack(_ segments: [[Int32]]) -> Packed {
        precondition((1...2).contains(segments.count), "BertPackInputs: one or two segments")
        let kept = Self.roundRobinLengths(
            segments.map(\.count), budget: seqLength - segments.count - 1)
        var ids: [Int32] = [clsID]
        var types: [Int32] = [0]
        for (type, (segment, n)) in zip(segments, kept).enumerated() {
            ids += segment.prefix(n) + [sepID]
            types += [Int32](repeating: Int32(type), count: n + 1)
        }
        let padding = seqLength - ids.count
        return Packed(
            wordIds: ids + [Int32](repeating: 0, count: padding),
            mask: [Int32](repeating: 1, count: ids.count) + [Int32](repeating: 0, count: padding),
            typeIds: types + [Int32](repeating: 0, count: padding))
    }
}
