@testable import OutreachDispatch
import Testing

@Suite("libcurl workers: connections shared over threads")
struct CurlWorkersTests {
    @Test("each worker's share: together exactly the connections, never more workers than connections")
    func shares() {
        #expect(CurlWorkers<CurlEngine>.shares(of: 5, threads: 3) == [2, 2, 1])
        #expect(CurlWorkers<CurlEngine>.shares(of: 8, threads: 2) == [4, 4])
        #expect(CurlWorkers<CurlEngine>.shares(of: 2, threads: 4) == [1, 1])
        #expect(CurlWorkers<CurlEngine>.shares(of: 0, threads: 2) == [1])
        let byCores = CurlWorkers<CurlEngine>.shares(of: 16)
        #expect(byCores.reduce(0, +) == 16)
        #expect((1...4).contains(byCores.count))
    }
}
