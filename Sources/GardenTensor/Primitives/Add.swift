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
        vjp(x, y, g, needed: [true, true])
    }
    // A constant term needs no gradient: attention's mask bias would sum the scores' gradient
    // down to its shape (0.75 % of a bert_tiny step).
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        [
            needed[0] ? g.unbroadcast(to: x[0].shape) : nil,
            needed[1] ? g.unbroadcast(to: x[1].shape) : nil,
        ]
    }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { apply(Add(), [a, b]) }
    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
}
