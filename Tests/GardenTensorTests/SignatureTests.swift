import GardenTensor
import Testing

/// The one signature vocabulary: nested structures of `TensorSpec`s, flattened as `tf.nest`.
@Suite struct SignatureTests {
    static func spec(_ name: String) -> TensorSpec { TensorSpec(name, .float32, Shape([-1, 4])) }

    @Test func listElementsFlattenInListOrderAtTheirKeysPlace() {
        let layers = (0..<12).map { "encoder_outputs_\($0)" }
        let outputs = Nested<TensorSpec>.dict([
            ("sequence_output", .leaf(Self.spec("sequence_output"))),
            ("pooled_output", .leaf(Self.spec("pooled_output"))),
            ("encoder_outputs", .list(layers.map { .leaf(Self.spec($0)) })),
            ("default", .leaf(Self.spec("default"))),
        ])
        // tf.nest: dict keys sorted (default < encoder_outputs < pooled_output < ...), list in order.
        #expect(
            outputs.flattened.map(\.name) == ["default"] + layers + [
                "pooled_output", "sequence_output",
            ])
        // Declaration order is the order `call` builds (and a trace emits) them.
        #expect(
            outputs.leaves.map(\.name) == ["sequence_output", "pooled_output"] + layers + [
                "default"
            ])
    }

    @Test func leavesAreReplacedInDeclarationOrder() {
        let s = Nested<TensorSpec>.dict([
            ("b", .leaf(Self.spec("b"))),
            ("a", .list([.leaf(Self.spec("a_0")), .leaf(Self.spec("a_1"))])),
        ])
        let filled = s.replacingLeaves(with: [1, 2, 3])
        #expect(filled["b"] == 1)
        #expect(filled[list: "a"] == [2, 3])
        #expect(filled.flattened == [2, 3, 1])
    }

    @Test func problemsAreNamed() {
        let x = Nested.leaf(Self.spec("x"))
        #expect(
            Signature(inputs: x, outputs: .list([])).problem
                == "a function must have at least one output")
        #expect(
            Signature(inputs: .dict([("y", x)]), outputs: x).problem
                == "inputs key 'y' holds a tensor named 'x'")
        #expect(
            Signature(inputs: x, outputs: .list([x, x])).problem
                == "outputs name 'x' appears twice")
        #expect(
            Signature(inputs: x, outputs: .dict([("l", .list([])), ("l", .list([x]))])).problem
                == "outputs key 'l' appears twice")
        #expect(Signature(inputs: x, outputs: .named(["x": Self.spec("x")])).problem == nil)
    }
}
