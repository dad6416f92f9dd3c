/// Broadcasting subtraction. TF: `Sub`.
struct Sub: ElementwiseBinary {
    var name: String { "sub" }
    var tfOp: String { "Sub" }
    static func float(_ a: Float, _ b: Float) -> Float { a - b }
    static func int32(_ a: Int32, _ b: Int32) -> Int32 { a &- b }
    // Only the shapes, to unbroadcast.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: [true, true])
    }
    // A constant operand needs no gradient (nor a negated copy of `g` for one).
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        [
            needed[0] ? g.unbroadcast(to: x[0].shape) : nil,
            needed[1] ? (-g).unbroadcast(to: x[1].shape) : nil,
        ]
    }
}

extension Tensor {
    public static func - (a: Tensor, b: Tensor) -> Tensor { apply(Sub(), [a, b]) }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
}
