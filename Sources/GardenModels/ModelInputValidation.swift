import GardenNN
import GardenTensor

/// Inputs a model cannot run on, found before the forward pass: an id outside its table, a
/// sequence longer than the position table, inputs of different shapes, an empty sequence.
/// Gathering an out-of-range row would read outside the table, and an empty sequence gives NaN,
/// so these are checked on the values, not left to the kernels.
public struct ModelInputError: Error, Equatable, CustomStringConvertible {
    /// The input's signature name, e.g. `input_word_ids`.
    public var input: String
    /// What is wrong, e.g. `id 600 at [0, 3] is outside 0..<512 (the vocabulary size)`.
    public var problem: String

    public init(input: String, problem: String) {
        self.input = input
        self.problem = problem
    }

    public var description: String { "'\(input)': \(problem)" }
}

/// A model that checks input values before running (`garden predict` calls it).
public protocol InputValidating {
    /// Throws ``ModelInputError`` for inputs (in signature order) the model cannot run on.
    func validate(_ inputs: [Tensor]) throws
}

extension BertEncoder: InputValidating {
    /// `input_word_ids`, `input_mask` and `input_type_ids` are int32 `[batch, seq]` of one
    /// shape with `1 <= seq <= max_sequence_length`, word ids in `0..<vocab_size` and type ids
    /// in `0..<type_vocab_size`.
    public func validate(_ inputs: [Tensor]) throws {
        try Self.checkCount(inputs, Self.inputNames)
        let names = Self.inputNames
        let shape = inputs[0].shape
        for (name, t) in zip(names, inputs) {
            guard t.dtype == .int32 else {
                throw ModelInputError(input: name, problem: "has dtype \(t.dtype), expected int32")
            }
            guard t.rank == 2 else {
                throw ModelInputError(
                    input: name, problem: "has shape \(t.shape), expected [batch, seq]")
            }
            guard t.shape == shape else {
                throw ModelInputError(
                    input: name, problem: "has shape \(t.shape), expected \(shape) like \(names[0])"
                )
            }
        }
        guard shape[1] >= 1, shape[1] <= config.maxSequenceLength else {
            throw ModelInputError(
                input: names[0],
                problem:
                    "has sequence length \(shape[1]), expected 1...\(config.maxSequenceLength) (max_sequence_length)"
            )
        }
        try Self.checkIds(inputs[0], names[0], below: vocabSize, "the vocabulary size")
        try Self.checkIds(inputs[2], names[2], below: config.typeVocabSize, "type_vocab_size")
    }

    static func checkCount(_ inputs: [Tensor], _ names: [String]) throws {
        guard inputs.count == names.count else {
            throw ModelInputError(
                input: names.joined(separator: ", "),
                problem: "expected \(names.count) inputs, got \(inputs.count)")
        }
    }

    /// Every value of `ids` lies in `0..<bound`; the error names the first one that does not.
    static func checkIds(_ ids: Tensor, _ name: String, below bound: Int, _ what: String) throws {
        let values = ids.int32s
        guard let i = values.firstIndex(where: { $0 < 0 || Int($0) >= bound }) else { return }
        let columns = max(ids.shape.last ?? 1, 1)
        let position = ids.rank == 2 ? "[\(i / columns), \(i % columns)]" : "[\(i)]"
        throw ModelInputError(
            input: name, problem: "id \(values[i]) at \(position) is outside 0..<\(bound) (\(what))"
        )
    }
}

extension BertHubEncoder: InputValidating {
    public func validate(_ inputs: [Tensor]) throws { try encoder.validate(inputs) }
}

extension BertPretrainer: InputValidating {
    /// The encoder's checks, and `masked_lm_positions` int32 `[batch, P]` with positions in
    /// `0..<seq`.
    public func validate(_ inputs: [Tensor]) throws {
        let names = signature.inputs.leaves.map(\.name)
        try BertEncoder.checkCount(inputs, names)
        try encoder.validate(Array(inputs.prefix(3)))
        let positions = inputs[3]
        let (batch, seq) = (inputs[0].shape[0], inputs[0].shape[1])
        guard positions.dtype == .int32, positions.rank == 2, positions.shape[0] == batch else {
            throw ModelInputError(
                input: names[3],
                problem:
                    "has shape \(positions.shape) \(positions.dtype), expected int32 [\(batch), P]")
        }
        try BertEncoder.checkIds(positions, names[3], below: seq, "the sequence length")
    }
}
