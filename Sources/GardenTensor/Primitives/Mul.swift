/// Broadcasting multiplication. TF: `Mul`.
struct Mul: ElementwiseBinary {
    var name: String { "mul" }
    var tfOp: String { "Mul" }
    static func float(_ a: Float, _ b: Float) -> Float { a * b }
    static func int32(_ a: Int32, _ b: Int32) -> Int32 { a &* b }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [(g * x[1]).unbroadcast(to: x[0].shape), (g * x[0]).unbroadcast(to: x[1].shape)]
    }
}

extension Tensor {
    public static func * (a: Tensor, b: Tensor) -> Tensor { apply(Mul(), [a, b]) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
}
