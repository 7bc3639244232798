import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OutreachCore
import OutreachServer
import OutreachStore
import Testing
import Yams

let apiToken = "api-test-token-0123456789abcdef"

/// Audience counts as the executable's adapter would give them (the project is not in this target).
struct FixedAudienceCounter: AudienceCounter {
    static let all = [AudienceCount(name: "mothers", title: "الأمهات", description: "mothers of infants", count: 42),
                      AudienceCount(name: "students", title: "students", description: "", count: 7)]

    func audienceCounts(_ names: [String]?) async throws -> AudienceCounts {
        var audiences = Self.all
        if let names {
            audiences = try names.map { name throws(OutreachError) in
                guard let found = Self.all.first(where: { $0.name == name }) else {
                    throw OutreachError(.unknownName, "no audience '\(name)'", hint: "audiences are: mothers, students")
                }
                return found
            }
        }
        return AudienceCounts(audiences: audiences, population: 100, evaluatedOn: "2026-12-08")
    }
}

/// A ledger with a launched, sent campaign `c` (version 1 stored): r0 delivered, r1 accepted, r2 failed, a
/// reply from r0 — and the API over it.
struct APIFixture {
    let base: ServerFixture
    var ledger: SQLiteLedger { base.ledger }

    init() async throws {
        base = try await ServerFixture(messages: 3)
        let ids = base.ids.sorted()
        let entries = try await ids.asyncMap { try await base.entry($0)! }
        let byRecipient = Dictionary(uniqueKeysWithValues: entries.map { ($0.recipientID, $0.messageID) })
        try await base.accept([byRecipient["r0"]!, byRecipient["r1"]!], provider: true)
        _ = try await ledger.record([DeliveryOutcome(messageID: byRecipient["r2"]!, kind: .rejected, status: 400, detail: "invalid number")],
                                    at: Date())
        _ = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(byRecipient["r0"]!), status: .delivered,
                                                                   detail: "kannel stat:DELIVRD", at: Date())])
        _ = try await ledger.storeVersion(campaign: "c", kind: .adopted, sources: [
            .init(role: .campaign, name: "c", path: "campaigns/c.yaml", text: "title: c\naudience: mothers\n")], at: Date())
        _ = try await ledger.recordReply(InboundReply(receivedAt: Date(), from: ContactAddress("+966500000000")!, text: "شكراً",
                                                      gateway: "kannel"), action: nil)
    }

    func router(token: String? = apiToken, readers: Bool = true, metrics: ServerMetrics? = nil) throws -> Router<WebhookRequestContext> {
        WebhookServer.router(configuration: base.configuration, secret: try WebhookSecret(testSecret), store: ledger,
                             api: readers ? APIReaders(campaigns: ledger, audiences: FixedAudienceCounter(), messages: ledger) : nil,
                             apiToken: try token.map { try APIToken($0) }, metrics: metrics, logger: Logger(label: "test"))
    }

    func test(token: String? = apiToken, readers: Bool = true, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: base.folder) }
        try await Application(router: try router(token: token, readers: readers)).test(.router, body)
    }
}

extension Array where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

extension TestClientProtocol {
    func api(_ uri: String, token: String? = apiToken) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    var json: JSONValue { get throws { try JSONValue.parse(text) } }
}

@Suite("JSON API")
struct APIRouteTests {
    @Test("without OUTREACH_API_TOKEN every API route answers 503 with a JSON message saying what to set")
    func offWithoutToken() async throws {
        for readers in [true, false] {
            try await APIFixture().test(token: nil, readers: readers) { client in
                for path in ["/api/v1/campaigns", "/api/v1/campaigns/c", "/api/v1/messages?phone=%2B966500000000"] {
                    let response = try await client.api(path)
                    #expect(response.status == .serviceUnavailable, "\(path)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    let message = try #require(try response.json["error"]?.string)
                    #expect(message.contains("OUTREACH_API_TOKEN"), "\(message)")
                }
            }
        }
    }

    @Test("a missing or wrong bearer token is 401 (JSON, WWW-Authenticate: Bearer) and reveals nothing")
    func wrongToken() async throws {
        try await APIFixture().test { client in
            for token in [nil, "api-test-token-0123456789abcdeX", "short", apiToken + "x"] as [String?] {
                let response = try await client.api("/api/v1/campaigns", token: token)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(try response.json["error"]?.string != nil)
                #expect(!response.text.contains("\"c\""))
            }
            let lower = try await client.execute(uri: "/api/v1/campaigns", method: .get, headers: [.authorization: "bearer \(apiToken)"])
            #expect(lower.status == .ok)
        }
    }

    @Test("too short a token is refused when serve starts, naming the variable and never the value")
    func shortTokenRefused() throws {
        #expect(throws: OutreachError.self) { _ = try APIToken("0123456789") }
        let error = #expect(throws: OutreachError.self) { _ = try APIToken.fromEnvironment(["OUTREACH_API_TOKEN": "weak-token"]) }
        #expect(error?.message.contains("OUTREACH_API_TOKEN is too short") == true)
        #expect(error?.description.contains("weak-token") == false)
        #expect(try APIToken.fromEnvironment([:]) == nil)
    }

    @Test("campaigns: state, launched version and hash, last activity")
    func campaigns() async throws {
        let fixture = try await APIFixture()
        let version = try #require(try await fixture.ledger.latestVersion(campaign: "c"))
        try await fixture.test { client in
            let response = try await client.api("/api/v1/campaigns")
            #expect(response.status == .ok)
            let list = try #require(try response.json["campaigns"]?.array)
            #expect(list.count == 1)
            let c = list[0]
            #expect(c["name"]?.string == "c")
            #expect(c["state"]?.string == "launched")
            #expect(c["version"]?["number"]?.int == 1)
            #expect(c["version"]?["hash"]?.string == version.hash)
            #expect(c["version"]?["kind"]?.string == "adopted")
            #expect(c["lastActivityAt"]?.string != nil)
        }
    }

    @Test("one campaign: its report is the one `outreach report --json` makes (SQLiteLedger.report), figure for figure")
    func campaignReport() async throws {
        let fixture = try await APIFixture()
        let report = try await fixture.ledger.report(campaign: "c")
        #expect(report.total.delivered == 1 && report.total.accepted == 1 && report.total.failed == 1 && report.replies.replies == 1)
        let encoder = JSONEncoder()
        let expected = try JSONValue.parse(String(decoding: try encoder.encode(report.total), as: UTF8.self))
        try await fixture.test { client in
            let response = try await client.api("/api/v1/campaigns/c")
            #expect(response.status == .ok)
            let body = try response.json
            #expect(body["report"]?["total"] == expected)
            #expect(body["report"]?["replies"]?["replies"]?.int == 1)
            #expect(body["report"]?["activity"]?["failureReasons"]?.array?.first?["reason"]?.string == "400 invalid number")
            #expect(body["campaign"]?["version"]?["number"]?.int == 1)

            let missing = try await client.api("/api/v1/campaigns/nope")
            #expect(missing.status == .notFound)
            #expect(try missing.json["error"]?.string?.contains("no campaign 'nope'") == true)
        }
    }

    @Test("audiences and one audience, as the counter gives them; an unknown one is 404")
    func audiences() async throws {
        try await APIFixture().test { client in
            let all = try await client.api("/api/v1/audiences")
            #expect(all.status == .ok)
            #expect(try all.json["audiences"]?.array?.map { $0["count"]?.int } == [42, 7])
            let one = try await client.api("/api/v1/audiences/mothers")
            #expect(try one.json["audiences"]?.array?.map { $0["name"]?.string } == ["mothers"])
            let unknown = try await client.api("/api/v1/audiences/fathers")
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["error"]?.string == "no audience 'fathers'")
        }
    }

    @Test("a person's history by id and by phone (any form the population accepts): campaign, state, times, reason")
    func history() async throws {
        try await APIFixture().test { client in
            let byID = try await client.api("/api/v1/people/r2/messages")
            #expect(byID.status == .ok)
            let body = try byID.json
            #expect(body["personId"]?.string == "r2")
            let messages = try #require(body["messages"]?.array)
            #expect(messages.count == 1)
            #expect(messages[0]["campaign"]?.string == "c" && messages[0]["occurrence"]?.string == "o1")
            #expect(messages[0]["state"]?.string == "failed" && messages[0]["reason"]?.string == "400 invalid number")
            #expect(messages[0]["channel"]?.string == "sms" && messages[0]["sentAt"]?.string != nil)
            #expect(body["truncated"] == .bool(false))

            let nobody = try await client.api("/api/v1/people/r9/messages")
            #expect(try nobody.json["messages"]?.array?.isEmpty == true)

            for phone in ["%2B966500000000", "0500000000", "966500000000"] {
                let byPhone = try await client.api("/api/v1/messages?phone=\(phone)")
                #expect(byPhone.status == .ok, "\(phone)")
                let body = try byPhone.json
                #expect(body["address"]?.string == "+966500000000")
                #expect(body["optedOut"] == .bool(false))
                #expect(body["messages"]?.array?.map { $0["state"]?.string } == ["delivered"], "\(phone)")
            }
            for bad in ["phone=12", "phone=%2B966500000000&email=a%40b.example", "", "phone=%2B966500000000&limit=0",
                        "phone=%2B966500000000&limit=1001", "email=not-an-email"] {
                let response = try await client.api("/api/v1/messages?\(bad)")
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try response.json["error"]?.string != nil)
            }
        }
    }

    @Test("limit bounds the list and truncated says there is more")
    func truncated() async throws {
        let fixture = try await APIFixture()
        let later = Date().addingTimeInterval(60)
        _ = try await fixture.ledger.materialise([LedgerEntry(campaign: "d", occurrence: "o1", recipientID: "r0", address: "+966500000000",
                                                              channel: .sms, dueAt: later, key: .none)], at: Date())
        try await fixture.test { client in
            let all = try await client.api("/api/v1/people/r0/messages")
            #expect(try all.json["messages"]?.array?.map { $0["campaign"]?.string } == ["d", "c"])
            let one = try await client.api("/api/v1/people/r0/messages?limit=1")
            #expect(try one.json["messages"]?.array?.count == 1)
            #expect(try one.json["truncated"] == .bool(true))
        }
    }

    @Test("every answer under /api is JSON: an unknown route 404, a POST 405")
    func jsonErrors() async throws {
        try await APIFixture().test { client in
            let unknown = try await client.api("/api/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["error"]?.string != nil)
            let post = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: [.authorization: "Bearer \(apiToken)"])
            #expect(post.status == .methodNotAllowed || post.status == .notFound)
            #expect(try post.json["error"]?.string != nil)
        }
    }
}

/// docs/openapi.yaml against the server: the same routes both ways, and every 200 the test obtains valid
/// against its documented schema.
@Suite("OpenAPI")
struct OpenAPITests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")

    static func document() throws -> JSONValue {
        JSONValue(yaml: try Yams.load(yaml: try String(contentsOf: file, encoding: .utf8)))
    }

    @Test("the routes the server registers under /api/v1 are the file's paths and methods, and no others")
    func sameRoutes() async throws {
        let fixture = try await APIFixture()
        defer { try? FileManager.default.removeItem(at: fixture.base.folder) }
        let served = Set(try fixture.router().routes.filter { $0.path.description.hasPrefix("/api/") }
            .map { "\($0.method.rawValue) \($0.path.description)" })
        let document = try Self.document()
        var documented: Set<String> = []
        for (path, item) in try #require(document["paths"]?.object) {
            for method in (item.object ?? [:]).keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(served.count >= 6)
        #expect(served == documented, "served only: \(served.subtracting(documented)); documented only: \(documented.subtracting(served))")
    }

    @Test("each documented 200 answer validates against its schema (a launched, sent campaign)")
    func answersMatchSchemas() async throws {
        let document = try Self.document()
        let validator = JSONSchemaSubset(document: document)
        func schema(_ path: String) throws -> JSONValue {
            try #require(document["paths"]?[path]?["get"]?["responses"]?["200"]?["content"]?["application/json"]?["schema"])
        }
        let requests: [(String, String)] = [
            ("/api/v1/campaigns", "/api/v1/campaigns"),
            ("/api/v1/campaigns/{name}", "/api/v1/campaigns/c"),
            ("/api/v1/audiences", "/api/v1/audiences"),
            ("/api/v1/audiences/{name}", "/api/v1/audiences/mothers"),
            ("/api/v1/people/{id}/messages", "/api/v1/people/r0/messages"),
            ("/api/v1/people/{id}/messages", "/api/v1/people/r2/messages"),
            ("/api/v1/messages", "/api/v1/messages?phone=%2B966500000001"),
        ]
        #expect(Set(requests.map(\.0)) == Set(try #require(document["paths"]?.object).keys))
        let schemas = try requests.map { (try schema($0.0), $0.1) }
        let error = try #require(document["components"]?["schemas"]?["Error"])
        try await APIFixture().test { client in
            for (schema, uri) in schemas {
                let response = try await client.api(uri)
                #expect(response.status == .ok, "\(uri)")
                let problems = validator.problems(try response.json, schema)
                #expect(problems.isEmpty, "\(uri): \(problems)")
            }
            let notFound = try await client.api("/api/v1/campaigns/nope")
            #expect(validator.problems(try notFound.json, error).isEmpty)
        }
    }

    @Test("the validator catches what it claims to check")
    func validatorCatches() throws {
        let document = try Self.document()
        let validator = JSONSchemaSubset(document: document)
        let summary = JSONValue.object(["$ref": .string("#/components/schemas/CampaignSummary")])
        #expect(validator.problems(try JSONValue.parse(#"{"name":"c","state":"launched"}"#), summary).isEmpty)
        for bad in [#"{"state":"launched"}"#, #"{"name":"c","state":"flying"}"#, #"{"name":1,"state":"launched"}"#,
                    #"{"name":"c","state":"launched","extra":true}"#, #"{"name":"c","state":"launched","launchedAt":"yesterday"}"#,
                    #"{"name":"c","state":"launched","version":{"number":"1"}}"#] {
            #expect(!validator.problems(try JSONValue.parse(bad), summary).isEmpty, "\(bad)")
        }
    }
}
