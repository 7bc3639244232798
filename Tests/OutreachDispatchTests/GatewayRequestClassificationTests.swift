import Foundation
import Testing
import OutreachCore
@testable import OutreachDispatch

private func response(_ status: Int, _ body: String = "", headers: [HTTPHeader] = []) -> HTTPResponse {
    HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
}

private let now = Date(timeIntervalSince1970: 1_795_932_000) // 2026-11-29T06:00:00Z

@Suite("Gateway answer classification")
struct GatewayRequestClassificationTests {
    @Test("by status: 2xx accepted, 429 and 5xx retryable, other statuses rejected", arguments: [
        (200, DeliveryOutcome.Kind.accepted), (201, .accepted), (202, .accepted), (204, .accepted),
        (301, .rejected), (400, .rejected), (401, .rejected), (403, .rejected), (404, .rejected), (409, .rejected),
        (422, .rejected), (429, .retryable), (500, .retryable), (502, .retryable), (503, .retryable), (504, .retryable),
    ])
    func byStatus(status: Int, kind: DeliveryOutcome.Kind) {
        let outcome = HTTPResponseClassifier().classify(response(status, "ok"), messageID: "m-1", attempt: 2, now: now)
        #expect(outcome.kind == kind)
        #expect(outcome.status == status)
        #expect(outcome.messageID == "m-1")
        #expect(outcome.attempts == 2)
        #expect(outcome.detail == "HTTP \(status): ok")
    }

    @Test("configured statuses replace the defaults")
    func configuredStatuses() {
        let classifier = HTTPResponseClassifier(acceptStatuses: [202], retryStatuses: [503, 409])
        #expect(classifier.classify(response(200), messageID: "m", attempt: 1).kind == .rejected)
        #expect(classifier.classify(response(202), messageID: "m", attempt: 1).kind == .accepted)
        #expect(classifier.classify(response(409), messageID: "m", attempt: 1).kind == .retryable)
        #expect(classifier.classify(response(500), messageID: "m", attempt: 1).kind == .rejected)
    }

    @Test("Retry-After in seconds or as an HTTP date is kept", arguments: [
        ("120", 120.0), ("0", 0), ("1.5", 1.5), ("Sun, 29 Nov 2026 06:01:00 GMT", 60), ("Sun, 29 Nov 2026 05:00:00 GMT", 0),
    ])
    func retryAfter(header: String, seconds: Double) {
        let outcome = HTTPResponseClassifier().classify(response(429, headers: [HTTPHeader("retry-after", header)]),
                                                        messageID: "m", attempt: 1, now: now)
        #expect(outcome.kind == .retryable)
        #expect(outcome.retryAfterSeconds == seconds)
    }

    @Test("an unreadable Retry-After is ignored")
    func badRetryAfter() {
        let outcome = HTTPResponseClassifier().classify(response(503, headers: [HTTPHeader("Retry-After", "soon")]), messageID: "m", attempt: 1)
        #expect(outcome.kind == .retryable)
        #expect(outcome.retryAfterSeconds == nil)
    }

    @Test("transport errors are retryable except a request that cannot be made", arguments: [
        (TransportError.Kind.connectionRefused, DeliveryOutcome.Kind.retryable), (.connectionReset, .retryable), (.timeout, .retryable),
        (.nameResolution, .retryable), (.tls, .retryable), (.other, .retryable), (.invalidResponse, .retryable), (.invalidRequest, .rejected),
    ])
    func transportErrors(kind: TransportError.Kind, expected: DeliveryOutcome.Kind) {
        let outcome = HTTPResponseClassifier().classify(TransportError(kind: kind, detail: "x", curlCode: 7), messageID: "m", attempt: 3)
        #expect(outcome.kind == expected)
        #expect(outcome.status == nil)
        #expect(outcome.attempts == 3)
        #expect(outcome.detail == "\(kind.rawValue): x")
    }

    // MARK: - accept_when and provider ids, per profile

    @Test("Unifonic: success true is accepted with data.MessageID; success false is rejected")
    func unifonicAnswers() {
        let classifier = HTTPResponseClassifier(HTTPGatewayProfile.unifonic.settings(["app_sid": "app-sid-1"]), secrets: [])
        let ok = classifier.classify(response(200, #"{"success": true, "message": "", "errorCode": "ER-00", "data": {"MessageID": 41772154, "Status": "Sent"}}"#),
                                     messageID: "m", attempt: 1)
        #expect(ok.kind == .accepted)
        #expect(ok.providerMessageID == "41772154")
        let no = classifier.classify(response(200, #"{"success": false, "message": "Invalid AppSid", "errorCode": "ER-01"}"#), messageID: "m", attempt: 1)
        #expect(no.kind == .rejected)
        #expect(no.detail.contains("Invalid AppSid"))
        let html = classifier.classify(response(200, "<html>maintenance</html>"), messageID: "m", attempt: 1)
        #expect(html.kind == .rejected)
        #expect(html.detail.contains("not JSON"))
    }

    @Test("Msegat: code 1, \"1\" or M0000 is accepted; other codes are rejected", arguments: [
        (#"{"code": "1", "message": "Success"}"#, DeliveryOutcome.Kind.accepted), (#"{"code": 1}"#, .accepted),
        (#"{"code": "M0000", "message": "Success"}"#, .accepted), (#"{"code": "M0002", "message": "Invalid login info"}"#, .rejected),
        (#"{"code": true}"#, .rejected), (#"{"message": "no code"}"#, .rejected),
    ])
    func msegatAnswers(body: String, kind: DeliveryOutcome.Kind) {
        let classifier = HTTPResponseClassifier(HTTPGatewayProfile.msegat.settings(["user_name": "u", "api_key": "k"]), secrets: [])
        #expect(classifier.classify(response(200, body), messageID: "m", attempt: 1).kind == kind)
    }

    @Test("Taqnyat: 201 with messageId; 4jawaly: job_id; Jasmin: the id in Success \"…\"")
    func providerIDs() {
        let taqnyat = HTTPResponseClassifier(HTTPGatewayProfile.taqnyat.settings(["token": "t"]), secrets: [])
        let t = taqnyat.classify(response(201, #"{"statusCode": 201, "messageId": 5452899970, "cost": "1.0000", "currency": "SAR", "totalCount": 1}"#),
                                 messageID: "m", attempt: 1)
        #expect(t.kind == .accepted)
        #expect(t.providerMessageID == "5452899970")
        let jawaly = HTTPResponseClassifier(HTTPGatewayProfile.fourJawaly.settings(["api_key": "k", "api_secret": "s"]), secrets: [])
        #expect(jawaly.classify(response(200, #"{"code": 200, "message": "تم الإرسال", "job_id": "job-77"}"#), messageID: "m", attempt: 1)
            .providerMessageID == "job-77")
        let jasmin = HTTPResponseClassifier(HTTPGatewayProfile.jasmin.settings(["username": "u", "password": "p"]), secrets: [])
        let j = jasmin.classify(response(200, #"Success "07033084-5cfd-4812-90a4-e4d24ffb6e3d""#), messageID: "m", attempt: 1)
        #expect(j.kind == .accepted)
        #expect(j.providerMessageID == "07033084-5cfd-4812-90a4-e4d24ffb6e3d")
        #expect(jasmin.classify(response(403, #"Error "Authentication failure for username:u""#), messageID: "m", attempt: 1).kind == .rejected)
        #expect(jasmin.classify(response(412, #"Error "Cannot route message""#), messageID: "m", attempt: 1).kind == .rejected)
    }

    @Test("Twilio: 201 with sid accepted; 400 (21211) rejected; 429 retried after Retry-After")
    func twilioAnswers() {
        let settings = TwilioSettings(accountSID: "AC1", authToken: "tok-secret")
        let gateway = TwilioGateway(configuration: GatewayConfiguration(name: "t", settings: .twilio(settings), sender: "MOH"),
                                    settings: settings, transport: UnusedTransport(), now: { now })
        let message = sms()
        let ok = gateway.classify(response(201, #"{"sid": "SM0123456789abcdef", "status": "queued"}"#), for: message, attempt: 1)
        #expect(ok.kind == .accepted)
        #expect(ok.providerMessageID == "SM0123456789abcdef")
        let invalid = gateway.classify(response(400, #"{"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}"#),
                                       for: message, attempt: 1)
        #expect(invalid.kind == .rejected)
        #expect(invalid.detail.contains("21211"))
        let busy = gateway.classify(response(429, #"{"code": 20429}"#, headers: [HTTPHeader("Retry-After", "3")]), for: message, attempt: 1)
        #expect(busy.kind == .retryable)
        #expect(busy.retryAfterSeconds == 3)
    }

    @Test("accept_when: booleans and numbers are not confused; lists mean any of")
    func conditions() throws {
        let doc = try #require(HTTPJSONValue.parse(#"{"ok": true, "n": 1, "s": "1", "a": [{"x": "y~/z"}], "k/e": 2}"#))
        func holds(_ pointer: String, _ equals: String) -> Bool {
            HTTPResponseClassifier.holds(.init(pointer: pointer, equals: equals), in: doc)
        }
        #expect(holds("/ok", "true"))
        #expect(!holds("/ok", "1"))
        #expect(!holds("/n", "true"))
        #expect(holds("/n", "\"1\""))
        #expect(holds("/s", "1"))
        #expect(holds("/s", "[2, \"1\"]"))
        #expect(holds("/a/0/x", "\"y~/z\""))
        #expect(holds("/k~1e", "2"))
        #expect(!holds("/missing", "null"))
        #expect(!holds("/a/5", "1"))
    }

    @Test("the JSON reader handles escapes, unicode and rejects trailing garbage")
    func jsonReader() {
        #expect(HTTPJSONValue.parse(#"{"t": "\u0645\u0631 \ud83d\ude00 \"q\""}"#)?.resolve("/t") == .string("مر 😀 \"q\""))
        #expect(HTTPJSONValue.parse("[1, 2.5e1, -3]") == .array([.number("1"), .number("25"), .number("-3")]))
        #expect(HTTPJSONValue.parse("{\"a\": 1} x") == nil)
        #expect(HTTPJSONValue.parse("{\"a\": }") == nil)
        #expect(HTTPJSONValue.parse("") == nil)
    }

    // MARK: - Secrets and length

    @Test("secrets never appear in details, as written or form-encoded")
    func secretsMasked() {
        let classifier = HTTPResponseClassifier(secrets: ["p@ss word", "tok-123"])
        let outcome = classifier.classify(response(401, "bad credentials tok-123 for password=p%40ss%20word / p@ss word"),
                                          messageID: "m", attempt: 1)
        #expect(outcome.detail == "HTTP 401: bad credentials *** for password=*** / ***")
        let error = classifier.classify(TransportError(kind: .timeout, detail: "http://u:tok-123@host timed out"), messageID: "m", attempt: 1)
        #expect(error.detail == "timeout: http://u:***@host timed out")
    }

    @Test("details are one line of at most 300 characters")
    func detailShortened() {
        let body = "line one\r\nline two\n" + String(repeating: "x", count: 1000)
        let outcome = HTTPResponseClassifier().classify(response(500, body), messageID: "m", attempt: 1)
        #expect(!outcome.detail.contains("\n"))
        #expect(outcome.detail.hasPrefix("HTTP 500: line one line two xxx"))
        #expect(outcome.detail.count <= "HTTP 500: ".count + 301)
    }

    // MARK: - send(): request and classification joined

    /// In-process stand-in for the libcurl transport (which lives on the
    /// engine branch): it records requests and plays back answers, so this
    /// test checks only that `send` joins `request(for:)` and `classify`.
    actor Recorder: HTTPTransport {
        var requests: [HTTPRequest] = []
        let answer: Result<HTTPResponse, TransportError>

        init(_ answer: Result<HTTPResponse, TransportError>) { self.answer = answer }

        func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            requests.append(request)
            return try answer.get()
        }
    }

    @Test("send makes the built request and classifies the answer")
    func sendJoins() async throws {
        let settings = HTTPGatewayProfile.taqnyat.settings(["token": "tq"])
        let configuration = GatewayConfiguration(name: "taqnyat", settings: .http(settings))
        let recorder = Recorder(.success(response(201, #"{"messageId": 7}"#)))
        let gateway = HTTPGateway(configuration: configuration, settings: settings, transport: recorder)
        let outcome = await gateway.send(sms(), attempt: 1)
        #expect(outcome.kind == .accepted)
        #expect(outcome.providerMessageID == "7")
        let sent = await recorder.requests
        #expect(sent == [try gateway.request(for: sms())])

        let refused = HTTPGateway(configuration: configuration, settings: settings,
                                  transport: Recorder(.failure(TransportError(kind: .connectionRefused, detail: "refused"))))
        let retry = await refused.send(sms(), attempt: 2)
        #expect(retry.kind == .retryable)
        #expect(retry.attempts == 2)
    }
}
