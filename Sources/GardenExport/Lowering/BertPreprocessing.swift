import GardenTensor

/// BERT's preprocessing as TensorFlow ops: strings in, `input_word_ids` / `input_mask` /
/// `input_type_ids` (int32 `[batch, seqLength]`) out, as Model Garden's `BertTokenizer` +
/// `BertPackInputs` layers compute them (`official/nlp/modeling/layers/text_layers.py`).
///
/// The tokenizer is `tensorflow_text.BertTokenizer`'s graph, op for op: `CaseFoldUTF8`,
/// `NormalizeUTF8` (NFD) and `StaticRegexReplace` (`\p{Mn}` → "") when lower-casing, control
/// characters to spaces, `RegexSplitWithOffsets` with its split patterns,
/// `WordpieceTokenizeWithOffsets` over the vocabulary table and `LookupTableFindV2` for the ids.
/// The Swift twin is GardenTrain's `WordPieceTokenizer` (`garden tokenize`); conformance tests
/// hold the two id for id. These ops have no Swift kernel: they are only ever traced (string
/// and int64 are graph-only `DType`s), and `tensorflow_text` kernels must be loaded
/// (`import tensorflow_text`) before TensorFlow runs them.
///
/// Packing (`[CLS] a [SEP] (b [SEP])`, padding with `[PAD]`, type id `k` for segment `k` and its
/// `[SEP]`) is written with dense core ops rather than TF's ragged ones; truncation is
/// `RoundRobinTrimmer`'s: the `seqLength - (segments + 1)` token budget is dealt one token per
/// segment in turn, so with two segments the first keeps `min(a, max(ceil(m/2), m - b))`.
public struct BertPreprocessing {
    /// The vocabulary table the ids are looked up in.
    public var table: ExportedTable
    /// Case-fold, NFD-normalize and strip accents first (an "uncased" vocabulary).
    public var lowerCase: Bool
    /// Columns of the outputs (Model Garden's `seq_length`).
    public var seqLength: Int
    /// Ids of `[CLS]`, `[SEP]` and `[PAD]` in the vocabulary.
    public var cls: Int32, sep: Int32, pad: Int32

    public init(
        table: ExportedTable, lowerCase: Bool, seqLength: Int, cls: Int32, sep: Int32, pad: Int32
    ) {
        self.table = table; self.lowerCase = lowerCase; self.seqLength = seqLength
        self.cls = cls; self.sep = sep; self.pad = pad
    }

    /// The model inputs' names, as the encoder takes them.
    public static let outputNames = ["input_mask", "input_type_ids", "input_word_ids"]

    /// The signature of the packing of `inputs` (one or two string vectors).
    public func signature(inputs: [String]) -> Signature {
        let ids = Self.outputNames.map {
            (key: $0, value: Nested.leaf(TensorSpec($0, .int32, Shape([-1, seqLength]))))
        }
        let texts = inputs.map { TensorSpec($0, .string, Shape([-1])) }
        return Signature(
            inputs: texts.count == 1
                ? .leaf(texts[0]) : .dict(texts.map { (key: $0.name, value: .leaf($0)) }),
            outputs: .dict(ids))
    }

    /// Appends the ops to the active trace: `segments` (string `[batch]` each, one or two) →
    /// `{input_mask, input_type_ids, input_word_ids}`.
    public func pack(_ segments: [Tensor]) -> Nested<Tensor> {
        guard let tracer = Tracer.active else {
            preconditionFailure("BertPreprocessing.pack runs inside Tracer.trace only")
        }
        var g = GraphOps(tracer: tracer)
        let tokens = segments.map { tokenize(tracer.ref($0), &g) }
        let budget = seqLength - (segments.count + 1)
        let lengths = trimmed(tokens.map(\.lengths), budget: budget, &g)
        let packed = packDense(tokens, lengths, &g)
        let shape = Shape([-1, seqLength])
        return .dict(
            zip(Self.outputNames, [packed.mask, packed.typeIds, packed.wordIds]).map {
                (key: $0, value: .leaf(tracer.tensor($1, .int32, shape)))
            })
    }

    /// One segment's WordPiece ids (flat int32) and each row's start and length (int32 `[n]`).
    private func tokenize(_ text: GraphRef, _ g: inout GraphOps) -> (
        ids: GraphRef, starts: GraphRef, lengths: GraphRef
    ) {
        var x = text
        if lowerCase {
            x = g.op("CaseFoldUTF8", [x], [:])
            x = g.op("NormalizeUTF8", [x], ["normalization_form": .string("NFD")])
            x = g.op(
                "StaticRegexReplace", [x], ["pattern": .string("\\p{Mn}"), "rewrite": .string("")])
        }
        x = g.op(
            "StaticRegexReplace", [x],
            ["pattern": .string("\\p{Cc}|\\p{Cf}"), "rewrite": .string(" ")])
        let split = g.node(
            "RegexSplitWithOffsets",
            [x, g.string(Self.delimiterPattern), g.string(Self.keptDelimiterPattern)], [:])
        let table = g.tracer.resourceArgument(for: self.table.table)
        let wordpiece = g.node(
            "WordpieceTokenizeWithOffsets",
            [.output(node: split, outputArg: "tokens", index: 0), table],
            [
                "suffix_indicator": .string("##"), "max_bytes_per_word": .int(100),
                "use_unknown_token": .bool(true), "unknown_token": .string("[UNK]"),
                "output_row_partition_type": .string("row_splits"),
            ])
        let found = g.op(
            "LookupTableFindV2",
            [
                table, .output(node: wordpiece, outputArg: "output_values", index: 0),
                g.tracer.constant(GraphConstant(int64s: [-1], shape: [])),
            ], ["Tin": .type(.string), "Tout": .type(.int64)], output: "values")
        // Word row splits → token row splits of each input row.
        let splits64 = g.op(
            "GatherV2",
            [
                .output(node: wordpiece, outputArg: "output_row_lengths", index: 0),
                .output(node: split, outputArg: "row_splits", index: 0), g.int(0, scalar: true),
            ],
            ["Tparams": .type(.int64), "Tindices": .type(.int64), "Taxis": .type(.int32)])
        let splits = g.cast(splits64, from: .int64, to: .int32)
        let starts = g.slice(splits, begin: 0, end: -1)
        let ends = g.slice(splits, begin: 1, end: 0, endMask: 1)
        return (g.cast(found, from: .int64, to: .int32), starts, g.binary("Sub", ends, starts))
    }

    /// Round-robin allocation of `budget` tokens over the segments' lengths.
    private func trimmed(_ lengths: [GraphRef], budget: Int, _ g: inout GraphOps) -> [GraphRef] {
        if lengths.count == 1 { return [g.binary("Minimum", lengths[0], g.int(budget))] }
        let (a, b) = (lengths[0], lengths[1])
        let first = g.binary(
            "Minimum", a,
            g.binary("Maximum", g.int((budget + 1) / 2), g.binary("Sub", g.int(budget), b)))
        let second = g.binary("Minimum", b, g.binary("Sub", g.int(budget), first))
        return [first, second]
    }

    /// The dense `[n, seqLength]` outputs from each segment's ids, starts and kept lengths.
    private func packDense(
        _ tokens: [(ids: GraphRef, starts: GraphRef, lengths: GraphRef)], _ kept: [GraphRef],
        _ g: inout GraphOps
    ) -> (wordIds: GraphRef, mask: GraphRef, typeIds: GraphRef) {
        let range = g.op(
            "Range", [g.int(0), g.int(seqLength), g.int(1)], ["Tidx": .type(.int32)])
        let j = g.op(
            "Reshape", [range, g.int([1, seqLength])],
            ["T": .type(.int32), "Tshape": .type(.int32)])
        func column(_ x: GraphRef) -> GraphRef {
            g.op(
                "ExpandDims", [x, g.int(1, scalar: true)],
                ["T": .type(.int32), "Tdim": .type(.int32)])
        }
        var words = g.op(
            "SelectV2", [g.compare("Equal", j, g.int(0)), g.int(cls), g.int(pad)],
            ["T": .type(.int32)])
        var typeIds = g.int(0)
        // Where the current segment starts: 1 after [CLS], then `[n, 1]` past each [SEP].
        var start = g.int(1, scalar: true)
        for (k, (segment, length)) in zip(tokens, kept).enumerated() {
            let end = g.binary("AddV2", start, column(length))
            let inside = g.and(g.compare("GreaterEqual", j, start), g.compare("Less", j, end))
            // Rows outside the segment gather the appended pad element (so empty inputs work).
            let size = g.op("Size", [segment.ids], ["T": .type(.int32), "out_type": .type(.int32)])
            let index = g.op(
                "SelectV2",
                [
                    inside, g.binary("AddV2", column(segment.starts), g.binary("Sub", j, start)),
                    size,
                ],
                ["T": .type(.int32)])
            let padded = g.op(
                "ConcatV2", [segment.ids, g.int([Int(pad)]), g.int(0, scalar: true)],
                ["N": .int(2), "T": .type(.int32), "Tidx": .type(.int32)])
            let gathered = g.op(
                "GatherV2", [padded, index, g.int(0, scalar: true)],
                ["Tparams": .type(.int32), "Tindices": .type(.int32), "Taxis": .type(.int32)])
            let atSep = g.compare("Equal", j, end)
            words = g.op("SelectV2", [inside, gathered, words], ["T": .type(.int32)])
            words = g.op("SelectV2", [atSep, g.int(sep), words], ["T": .type(.int32)])
            if k > 0 {
                let segmentAndSep = g.and(
                    g.compare("GreaterEqual", j, start), g.compare("LessEqual", j, end))
                typeIds = g.op(
                    "SelectV2", [segmentAndSep, g.int(Int32(k)), typeIds], ["T": .type(.int32)])
            }
            start = g.binary("AddV2", end, g.int(1, scalar: true))
        }
        if tokens.count == 1 {
            typeIds = g.op("ZerosLike", [words], ["T": .type(.int32)], output: "y")
        }
        let mask = g.cast(g.compare("Less", j, start), from: .bool, to: .int32)
        return (words, mask, typeIds)
    }

    /// `tensorflow_text.BertTokenizer`'s split patterns (`regex_split_with_offsets` wraps each
    /// in a group): whitespace, ASCII and Unicode punctuation, CJK ideographs; all but
    /// whitespace are kept as tokens.
    static let delimiterPattern = "(\\s+|" + keptDelimiters + ")"
    static let keptDelimiterPattern = "(" + keptDelimiters + ")"
    private static let keptDelimiters = [
        "[!-/]", "[:-@]", "[\\[-`]", "[{-~]", "[\\p{P}]", "[\\x{4E00}-\\x{9FFF}]",
        "[\\x{3400}-\\x{4DBF}]", "[\\x{20000}-\\x{2A6DF}]", "[\\x{2A700}-\\x{2B73F}]",
        "[\\x{2B740}-\\x{2B81F}]", "[\\x{2B820}-\\x{2CEAF}]", "[\\x{F900}-\\x{FAFF}]",
        "[\\x{2F800}-\\x{2FA1F}]",
    ].joined(separator: "|")
}

/// Node-appending shorthands over a tracer, for the graph-only builders.
struct GraphOps {
    let tracer: Tracer

    /// Appends `op` and returns its output `output:0`.
    mutating func op(
        _ op: String, _ inputs: [GraphRef], _ attrs: [String: GraphAttr], output: String = "output"
    ) -> GraphRef {
        .output(node: node(op, inputs, attrs), outputArg: output, index: 0)
    }

    /// Appends `op` and returns the node's name (for ops with several outputs).
    mutating func node(_ op: String, _ inputs: [GraphRef], _ attrs: [String: GraphAttr]) -> String {
        tracer.addNode(op, inputs: inputs, attrs: attrs)
    }

    mutating func binary(_ op: String, _ x: GraphRef, _ y: GraphRef) -> GraphRef {
        self.op(op, [x, y], ["T": .type(.int32)], output: "z")
    }

    mutating func compare(_ op: String, _ x: GraphRef, _ y: GraphRef) -> GraphRef {
        binary(op, x, y)
    }

    mutating func and(_ x: GraphRef, _ y: GraphRef) -> GraphRef {
        op("LogicalAnd", [x, y], [:], output: "z")
    }

    mutating func cast(_ x: GraphRef, from: DType, to: DType) -> GraphRef {
        op("Cast", [x], ["SrcT": .type(from), "DstT": .type(to)], output: "y")
    }

    /// `x[begin:end]` of a vector (`endMask` 1: to the end).
    mutating func slice(_ x: GraphRef, begin: Int, end: Int, endMask: Int = 0) -> GraphRef {
        var attrs: [String: GraphAttr] = ["T": .type(.int32), "Index": .type(.int32)]
        if endMask != 0 { attrs["end_mask"] = .int(endMask) }
        return op("StridedSlice", [x, int([begin]), int([end]), int([1])], attrs)
    }

    func int(_ value: Int32) -> GraphRef { tracer.intConstant([Int(value)], scalar: true) }
    func int(_ value: Int, scalar: Bool = true) -> GraphRef {
        tracer.intConstant([value], scalar: scalar)
    }
    func int(_ values: [Int]) -> GraphRef { tracer.intConstant(values) }
    func string(_ s: String) -> GraphRef {
        tracer.constant(GraphConstant(strings: [s], shape: []))
    }
}
