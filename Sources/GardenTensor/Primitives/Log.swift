import Foundation

/// Natural logarithm. TF: `Log`.
struct Log: ElementwiseUnary {
    var name: String { "log" }
    var tfOp: String { "Log" }
    static func f(_ x: Float) -> Float { Foundation.log(x) }
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [g / x[0]] }
}

extension Tensor {
    public func log() -> Tensor { apply(Log(), [self]) }
}
