/// Broadcasting multiplication. TF: `Mul`.
struct Mul: ElementwiseBinary {
    var name: String { "mul" }
    var tfOp: String { "Mul" }
    func forward(_ x: [Tensor]) -> Tensor { combine(x, *, &*) }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { vjp(x, y, g, needed: [true, true]) }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        [needed[0] ? (g * x[1]).unbroadcast(to: x[0].shape) : nil,
         needed[1] ? (g * x[0]).unbroadcast(to: x[1].shape) : nil]
    }
}

extension Tensor {
    public static func * (a: Tensor, b: Tensor) -> Tensor { apply(Mul(), [a, b]) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
}
