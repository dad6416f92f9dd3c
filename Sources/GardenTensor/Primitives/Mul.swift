/// Broadcasting multiplication. TF: `Mul`.
struct Mul: ElementwiseBinary {
    var name: String { "mul" }
    var tfOp: String { "Mul" }
    static func float(_ a: Float, _ b: Float) -> Float { a * b }
    static func int32(_ a: Int32, _ b: Int32) -> Int32 { a &* b }
    // Each factor's gradient reads the other factor (a constant factor's own value is not
    // needed: a scaled tensor is not kept for it).
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { needed[1 - index] }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: [true, true])
    }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        [
            needed[0] ? (g * x[1]).unbroadcast(to: x[0].shape) : nil,
            needed[1] ? (g * x[0]).unbroadcast(to: x[1].shape) : nil,
        ]
    }
}

extension Tensor {
    public static func * (a: Tensor, b: Tensor) -> Tensor { apply(Mul(), [a, b]) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
}
