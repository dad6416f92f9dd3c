import GardenTensor
import Testing

/// Programmer errors stop the process with a message that names the op and both shapes.
/// Exit tests run the body in a child process, so the failed precondition ends only that one.
@Suite("Shape rule preconditions")
struct ShapeRulePreconditionTests {
    @Test func matmulWithDifferentInnerDimensionsNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor.zeros([3, 4]).matmul(Tensor.zeros([5, 2]))
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("matmul: inner dimensions differ: [3, 4] x [5, 2]"), "\(stderr)")
    }

    @Test func addOfShapesThatDoNotBroadcastNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor.zeros([3, 5]) + Tensor.zeros([3])
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("add: shapes [3, 5] and [3] do not broadcast"), "\(stderr)")
    }
}
