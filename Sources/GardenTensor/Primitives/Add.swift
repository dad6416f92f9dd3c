/// Broadcasting addition. TF: `AddV2`.
struct Add: ElementwiseBinary {
    var name: String { "add" }
    var tfOp: String { "AddV2" }
    static func float(_ a: Float, _ b: Float) -> Float { a + b }
    static func int32(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
    // Only the shapes, to unbroadcast.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }
    // A bias after a recomputed product (see `BatchMatMul`).
    var recomputesOutput: Bool { true }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g.unbroadcast(to: x[0].shape), g.unbroadcast(to: x[1].shape)]
    }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { apply(Add(), [a, b]) }
    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
}
