/// Broadcasting Float32 division. TF: `RealDiv`.
struct Div: ElementwiseBinary {
    var name: String { "div" }
    var tfOp: String { "RealDiv" }
    static func float(_ a: Float, _ b: Float) -> Float { a / b }
    static func int32(_ a: Int32, _ b: Int32) -> Int32 {
        preconditionFailure("div: integer division is not a primitive")
    }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        // d(a/b)/da = 1/b; d(a/b)/db = -a/b² = -y/b.
        [(g / x[1]).unbroadcast(to: x[0].shape), (-(g * y) / x[1]).unbroadcast(to: x[1].shape)]
    }
}

extension Tensor {
    public static func / (a: Tensor, b: Tensor) -> Tensor { apply(Div(), [a, b]) }
    public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor(b) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }
}
