import Testing

@testable import GardenRecipes

/// Model Garden's `BertEncoderV2` attribute paths and our variable paths, written out: the
/// mapping `garden export --checkpoint TF_PREFIX` relies on (test_model_garden.py checks the
/// numbers against Model Garden itself).
@Suite struct ModelGardenCheckpointTests {
    @Test func encoderAttributesMapOntoOurPaths() {
        let cases: [([String], String)] = [
            (["_embedding_layer", "embeddings"], "word_embeddings/embeddings"),
            (["_position_embedding_layer", "embeddings"], "position_embedding/embeddings"),
            (["_type_embedding_layer", "embeddings"], "type_embeddings/embeddings"),
            (["_embedding_norm_layer", "gamma"], "embeddings/layer_norm/gamma"),
            (["_pooler_layer", "kernel"], "pooler_transform/kernel"),
            (
                ["_transformer_layers", "1", "_attention_layer", "_query_dense", "kernel"],
                "transformer/layer_1/self_attention/query/kernel"
            ),
            (
                ["_transformer_layers", "0", "_attention_layer", "_output_dense", "bias"],
                "transformer/layer_0/self_attention/attention_output/bias"
            ),
            (
                ["_transformer_layers", "0", "_output_dense", "kernel"],
                "transformer/layer_0/output/kernel"
            ),
            (
                ["_transformer_layers", "3", "_attention_layer_norm", "beta"],
                "transformer/layer_3/self_attention_layer_norm/beta"
            ),
        ]
        for (theirs, ours) in cases {
            #expect(ModelGardenCheckpoint.encoderPath(theirs)?.path == ours, "\(theirs)")
        }
        #expect(
            ModelGardenCheckpoint.encoderPath([
                "_transformer_layers", "x", "_output_dense", "kernel",
            ]) == nil)
        #expect(ModelGardenCheckpoint.encoderPath(["_unknown", "kernel"]) == nil)
    }

    @Test func perHeadShapesFoldIntoDenseShapes() {
        let query = ModelGardenCheckpoint.encoderPath(
            ["_transformer_layers", "0", "_attention_layer", "_query_dense", "kernel"])
        let queryBias = ModelGardenCheckpoint.encoderPath(
            ["_transformer_layers", "0", "_attention_layer", "_query_dense", "bias"])
        let output = ModelGardenCheckpoint.encoderPath(
            ["_transformer_layers", "0", "_attention_layer", "_output_dense", "kernel"])
        #expect(
            query.map { ModelGardenCheckpoint.flattened([128, 2, 64], $0.merge) } == [128, 128])
        #expect(queryBias.map { ModelGardenCheckpoint.flattened([2, 64], $0.merge) } == [128])
        #expect(
            output.map { ModelGardenCheckpoint.flattened([2, 64, 128], $0.merge) } == [128, 128])
        // A rank that does not fit stays as it is, so the restore reports the mismatch.
        #expect(query.map { ModelGardenCheckpoint.flattened([128, 128], $0.merge) } == [128, 128])
    }

    @Test func maskedLMAttributesMapOntoOurHead() {
        #expect(
            ModelGardenCheckpoint.maskedLMPath(["dense", "kernel"])?.path == "transform/kernel")
        #expect(
            ModelGardenCheckpoint.maskedLMPath(["layer_norm", "gamma"])?.path == "layer_norm/gamma")
        #expect(
            ModelGardenCheckpoint.maskedLMPath(["output_bias/bias"])?.path == "output_bias/bias")
        #expect(ModelGardenCheckpoint.maskedLMPath(["embedding_table"]) == nil)
    }
}
