@testable import OutreachDispatch
import Testing

/// HTTP/2 over TLS against a real nginx: ALPN picks h2, and many transfers
/// share one connection (multiplexing) instead of queueing.
@Suite("libcurl transport: HTTP/2 over TLS (nginx)", .serialized)
struct CurlTransportHTTP2Tests {
    @Test("many concurrent requests are multiplexed over one HTTP/2 connection")
    func multiplexing() async throws {
        try await NginxTLSServer.run { nginx in
            let transport = try CurlHTTPTransport(configuration: .init(
                maxConnectionsPerHost: 1, streamsPerConnection: 32, caBundlePath: nginx.certificatePath))
            defer { transport.shutdown() }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await transport.perform(HTTPRequest(method: .get, url: nginx.baseURL + "/cgi-bin/sendsms?i=\(index)")).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 202, count: 200))
            let entries = nginx.entries()
            #expect(entries.count == 200)
            #expect(Set(entries.map(\.proto)) == ["HTTP/2.0"])
            #expect(Set(entries.map(\.connection)).count == 1)
        }
    }

    @Test("a certificate nobody vouches for is a TLS error, never silently accepted")
    func untrusted() async throws {
        try await NginxTLSServer.run { nginx in
            let transport = try CurlHTTPTransport()
            defer { transport.shutdown() }
            let error = await CurlTransportFaultTests.failure(transport, HTTPRequest(method: .get, url: nginx.baseURL + "/"))
            #expect(error?.kind == .tls)
            #expect(error?.curlCode == 60)
        }
    }
}
