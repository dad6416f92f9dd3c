import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// Ids a BERT model cannot look up are refused with the input, the position and the bound,
/// before any gather reads outside a table (TinyBert: vocabulary 11, max length 9, 2 types).
@Suite("BERT input validation")
struct BertInputValidationTests {
    let encoder = BertEncoder(TinyBert.config(), initializer: Initializer(seed: 5))

    func inputs(ids: [Int32]? = nil, types: [Int32]? = nil, shape: [Int] = [2, 5]) -> [Tensor] {
        let (i, m, t) = TinyBert.inputs()
        guard ids != nil || types != nil || shape != [2, 5] else { return [i, m, t] }
        let count = shape.reduce(1, *)
        func fill(_ v: [Int32]?) -> Tensor {
            Tensor(int32: v ?? [Int32](repeating: 1, count: count), shape: shape)
        }
        return [fill(ids), fill(nil), fill(types)]
    }

    func expectError(
        _ inputs: [Tensor], _ input: String, _ problem: String,
        model: InputValidating? = nil
    ) {
        #expect(throws: ModelInputError(input: input, problem: problem)) {
            try (model ?? encoder).validate(inputs)
        }
    }

    @Test func validInputsPass() throws {
        try encoder.validate(inputs())
        try BertHubEncoder(encoder).validate(inputs())
    }

    /// The ten ids of a [2, 5] batch: `fill` everywhere but `value` at flat position `index`.
    func ids(_ fill: Int32, _ value: Int32, at index: Int) -> [Int32] {
        var ids = [Int32](repeating: fill, count: 10)
        ids[index] = value
        return ids
    }

    @Test func wordIdAtOrAboveTheVocabularyIsRefused() {
        expectError(
            inputs(ids: ids(1, 11, at: 7)), "input_word_ids",
            "id 11 at [1, 2] is outside 0..<11 (the vocabulary size)")
    }

    @Test func negativeWordIdIsRefused() {
        expectError(
            inputs(ids: ids(1, -1, at: 0)), "input_word_ids",
            "id -1 at [0, 0] is outside 0..<11 (the vocabulary size)",
            model: BertHubEncoder(encoder))
    }

    @Test func typeIdAtOrAboveTypeVocabSizeIsRefused() {
        expectError(
            inputs(types: ids(0, 2, at: 4)), "input_type_ids",
            "id 2 at [0, 4] is outside 0..<2 (type_vocab_size)")
    }

    @Test func sequenceLongerThanThePositionTableIsRefused() {
        expectError(
            inputs(shape: [1, 10]), "input_word_ids",
            "has sequence length 10, expected 1...9 (max_sequence_length)")
    }

    @Test func emptySequenceIsRefused() {
        expectError(
            inputs(shape: [2, 0]), "input_word_ids",
            "has sequence length 0, expected 1...9 (max_sequence_length)")
    }

    @Test func inputsOfDifferentShapesAreRefused() {
        var x = inputs()
        x[1] = Tensor(int32: [1, 1, 1, 1], shape: [2, 2])
        expectError(x, "input_mask", "has shape [2, 2], expected [2, 5] like input_word_ids")
    }

    @Test func pretrainerRefusesMaskedPositionsOutsideTheSequence() {
        let pretrainer = BertPretrainer(TinyBert.config(), initializer: Initializer(seed: 6))
        let positions = Tensor(int32: [0, 5], shape: [2, 1])
        #expect(
            throws: ModelInputError(
                input: "masked_lm_positions",
                problem: "id 5 at [1, 0] is outside 0..<5 (the sequence length)")
        ) {
            try pretrainer.validate(inputs() + [positions])
        }
    }
}
