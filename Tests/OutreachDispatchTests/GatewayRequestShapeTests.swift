import Foundation
import Testing
import OutreachCore
@testable import OutreachDispatch

/// A transport for tests that only build requests: never called.
struct UnusedTransport: HTTPTransport {
    func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(kind: .other, detail: "unused")
    }
}

let arabic = "مرحبا"
let arabicPercent = "%D9%85%D8%B1%D8%AD%D8%A8%D8%A7"
let arabicUTF16Hex = "06450631062d06280627"

func sms(_ text: String = arabic, to: String = "+966501234567", sender: String? = "MOH", id: String = "m-1") -> OutboundMessage {
    OutboundMessage(id: id, channel: .sms, recipientID: "1012345678", to: to, sender: sender, text: text)
}

func httpGateway(_ settings: HTTPGatewaySettings, sender: String? = nil, smart: Bool = false,
                 secrets: [String] = []) -> HTTPGateway {
    var configuration = GatewayConfiguration(name: "gw", settings: .http(settings), timeoutSeconds: 12, connectTimeoutSeconds: 3,
                                             smartEncoding: smart, sender: sender)
    configuration.secrets = secrets
    return HTTPGateway(configuration: configuration, settings: settings, transport: UnusedTransport())
}

func profile(_ profile: HTTPGatewayProfile, _ values: [String: String]) -> HTTPGatewaySettings {
    var settings = profile.settings(values)
    settings.secrets = profile.parameters.filter(\.secret).compactMap { values[$0.key] }
    return settings
}

extension HTTPRequest {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var headerPairs: [String] { headers.map { "\($0.name): \($0.value)" } }
}

@Suite("Gateway request shapes")
struct GatewayRequestShapeTests {
    // MARK: - Profiles

    @Test("Unifonic: form POST with AppSid, SenderID, Recipient (digits), Body, responseType, CorrelationID")
    func unifonic() throws {
        let gateway = httpGateway(profile(.unifonic, ["app_sid": "app-sid-1"]))
        let request = try gateway.request(for: sms())
        #expect(request.method == .post)
        #expect(request.url == "https://el.cloud.unifonic.com/rest/SMS/messages")
        #expect(request.headerPairs == ["Accept: application/json", "Content-Type: application/x-www-form-urlencoded"])
        #expect(request.bodyText == "AppSid=app-sid-1&SenderID=MOH&Recipient=966501234567&Body=\(arabicPercent)&responseType=JSON&CorrelationID=m-1")
        #expect(request.timeout == .seconds(12))
        #expect(request.connectTimeout == .seconds(3))
        #expect(request.secrets.contains("app-sid-1"))
    }

    @Test("Unifonic without any sender leaves SenderID out (the account's default applies)")
    func unifonicNoSender() throws {
        let request = try httpGateway(profile(.unifonic, ["app_sid": "a"])).request(for: sms(sender: nil))
        #expect(!request.bodyText.contains("SenderID"))
        #expect(request.bodyText.hasPrefix("AppSid=a&Recipient=966501234567&Body="))
    }

    @Test("the gateway's sender applies when the message has none")
    func defaultSender() throws {
        let request = try httpGateway(profile(.unifonic, ["app_sid": "a"]), sender: "MOE").request(for: sms(sender: nil))
        #expect(request.bodyText.contains("&SenderID=MOE&"))
    }

    @Test("Taqnyat: bearer token, JSON recipients/body/sender, values JSON-escaped, Arabic as UTF-8")
    func taqnyat() throws {
        let gateway = httpGateway(profile(.taqnyat, ["token": "tq-token"]))
        let request = try gateway.request(for: sms("قال \"مرحبا\"\nسطر\\"))
        #expect(request.url == "https://api.taqnyat.sa/v1/messages")
        #expect(request.headerPairs == ["Accept: application/json", "Content-Type: application/json", "Authorization: Bearer tq-token"])
        #expect(request.bodyText == #"{"recipients": ["966501234567"], "body": "قال \"مرحبا\"\nسطر\\", "sender": "MOH"}"#)
        #expect(Array("قال".utf8).allSatisfy { request.body.contains($0) })
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(parsed["body"] as? String == "قال \"مرحبا\"\nسطر\\")
        #expect(request.secrets.contains("tq-token"))
    }

    @Test("Msegat: JSON userName, apiKey, numbers, userSender, msg, msgEncoding UTF8")
    func msegat() throws {
        let request = try httpGateway(profile(.msegat, ["user_name": "moh-user", "api_key": "ms-key"])).request(for: sms())
        #expect(request.url == "https://www.msegat.com/gw/sendsms.php")
        #expect(request.headerPairs == ["Accept: application/json", "Content-Type: application/json"])
        #expect(request.bodyText == #"{"userName": "moh-user", "apiKey": "ms-key", "numbers": "966501234567", "userSender": "MOH", "msg": "مرحبا", "msgEncoding": "UTF8"}"#)
        #expect(request.secrets.contains("ms-key"))
    }

    @Test("4jawaly: basic auth with key and secret, JSON messages[{text, numbers, sender}]")
    func fourJawaly() throws {
        let request = try httpGateway(profile(.fourJawaly, ["api_key": "key4", "api_secret": "secret4"])).request(for: sms())
        #expect(request.url == "https://api-sms.4jawaly.com/api/v1/account/area/sms/send")
        #expect(request.headerPairs == ["Accept: application/json", "Content-Type: application/json", "Authorization: Basic a2V5NDpzZWNyZXQ0"])
        #expect(request.bodyText == #"{"messages": [{"text": "مرحبا", "numbers": ["966501234567"], "sender": "MOH"}]}"#)
        #expect(request.secrets.contains("secret4"))
        #expect(request.secrets.contains("a2V5NDpzZWNyZXQ0"))
    }

    @Test("Jasmin: Arabic goes as coding=8 with UTF-16BE hex-content")
    func jasminUCS2() throws {
        let request = try httpGateway(profile(.jasmin, ["username": "jasuser", "password": "jaspass"])).request(for: sms())
        #expect(request.url == "http://127.0.0.1:1401/send")
        #expect(request.headerPairs == ["Content-Type: application/x-www-form-urlencoded"])
        #expect(request.bodyText == "username=jasuser&password=jaspass&to=966501234567&from=MOH&coding=8&hex-content=\(arabicUTF16Hex)")
    }

    @Test("Jasmin: GSM-7 text goes as coding=0 with content; dlr-url asks for level-3 reports")
    func jasminGSM() throws {
        let settings = profile(.jasmin, ["username": "u", "password": "p", "dlr_url": "http://127.0.0.1:8080/dlr"])
        let request = try httpGateway(settings).request(for: sms("Hello & bye"))
        #expect(request.bodyText == "username=u&password=p&to=966501234567&from=MOH&coding=0&content=Hello%20%26%20bye"
                + "&dlr=yes&dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fdlr&dlr-level=3")
    }

    // MARK: - Generic

    @Test("generic GET: form fields become the query string; URL placeholders are percent-encoded")
    func genericGET() throws {
        let settings = HTTPGatewaySettings(method: "GET", url: "http://127.0.0.1:9000/send/{message_id}?key=abc",
                                           bodyFormat: .form,
                                           formFieldPairs: [.init(name: "to", value: "{to}"), .init(name: "msg", value: "{text}"),
                                                            .init(name: "enc", value: "{encoding}"), .init(name: "n", value: "{parts}")],
                                           numberFormat: .doubleZero)
        let request = try httpGateway(settings).request(for: sms("a+b=c", id: "m/1 x"))
        #expect(request.method == .get)
        #expect(request.url == "http://127.0.0.1:9000/send/m%2F1%20x?key=abc&to=00966501234567&msg=a%2Bb%3Dc&enc=gsm7&n=1")
        #expect(request.body.isEmpty)
        #expect(request.headers.isEmpty)
    }

    @Test("generic JSON: placeholders outside strings become JSON values; headers are filled and sorted")
    func genericJSON() throws {
        let settings = HTTPGatewaySettings(
            url: "https://sms.example/send", headers: ["X-Ref": "{message_id}", "Content-Type": "application/json; charset=utf-8"],
            bodyFormat: .json, jsonBody: #"{"to": {to}, "text": "{text}", "parts": {parts}, "coding": {coding}, "enc": {encoding}}"#,
            basicAuth: .init(user: "outreach", password: "pw-1"))
        let request = try httpGateway(settings).request(for: sms())
        #expect(request.bodyText == #"{"to": "+966501234567", "text": "مرحبا", "parts": 1, "coding": 8, "enc": "ucs2"}"#)
        #expect(request.headerPairs == ["Content-Type: application/json; charset=utf-8", "X-Ref: m-1",
                                        "Authorization: Basic b3V0cmVhY2g6cHctMQ=="])
    }

    @Test("number formats", arguments: [
        ("+966501234567", HTTPGatewaySettings.NumberFormat.plus, "+966501234567"),
        ("+966501234567", .digits, "966501234567"),
        ("+966501234567", .doubleZero, "00966501234567"),
        ("00971501234567", .plus, "+971501234567"),
        ("966501234567", .doubleZero, "00966501234567"),
        ("+44 7700 900123", .digits, "447700900123"),
    ])
    func numberFormats(input: String, format: HTTPGatewaySettings.NumberFormat, expected: String) {
        #expect(HTTPMessageValues.format(input, format) == expected)
    }

    @Test("a long Arabic text counts its parts; smart encoding turns typography into GSM-7")
    func encodingAndParts() throws {
        let long = String(repeating: "مرحبا ", count: 20)
        let values = HTTPMessageValues(sms(long), numberFormat: .plus, smartEncoding: false, defaultSender: nil)
        #expect(values.encoding == .ucs2)
        #expect(values.parts == 2)
        let smart = HTTPMessageValues(sms("It’s “fine” — ok…"), numberFormat: .plus, smartEncoding: true, defaultSender: nil)
        #expect(smart.text == "It's \"fine\" - ok...")
        #expect(smart.value(.encoding) == "gsm7")
        #expect(smart.value(.coding) == "0")
        #expect(smart.value(.gsm7Text) == smart.text)
        #expect(smart.value(.ucs2Hex) == "")
        let request = try httpGateway(profile(.taqnyat, ["token": "t"]), smart: true).request(for: sms("It’s “fine”"))
        #expect(request.bodyText.contains(#""body": "It's \"fine\"""#))
    }

    @Test("UTF-16 hex keeps surrogate pairs")
    func utf16Hex() {
        #expect(HTTPMessageValues.utf16Hex("A😀") == "0041d83dde00")
    }

    // MARK: - Requests that cannot be built

    @Test("a header that would carry a line break is refused, never sent")
    func headerInjection() async throws {
        let settings = HTTPGatewaySettings(url: "https://sms.example/send", headers: ["X-Sender": "{sender}"], bodyFormat: .none)
        let gateway = httpGateway(settings)
        #expect(throws: HTTPRequestBuildError.self) { try gateway.request(for: sms(sender: "MOH\r\nX-Evil: 1")) }
        let outcome = await gateway.send(sms(sender: "MOH\r\nX-Evil: 1"), attempt: 1)
        #expect(outcome.kind == .rejected)
        #expect(outcome.detail.contains("X-Sender"))
    }

    @Test("no number, or an email, is rejected before sending")
    func notSendable() throws {
        let gateway = httpGateway(profile(.taqnyat, ["token": "t"]))
        #expect(throws: HTTPRequestBuildError.self) { try gateway.request(for: sms(to: "")) }
        let email = OutboundMessage(id: "e", channel: .email, recipientID: "1", to: "a@b.example", text: "x")
        #expect(throws: HTTPRequestBuildError.self) { try gateway.request(for: email) }
    }

    // MARK: - Twilio

    func twilio(_ settings: TwilioSettings, sender: String? = nil) -> TwilioGateway {
        let configuration = GatewayConfiguration(name: "twilio", settings: .twilio(settings), sender: sender)
        return TwilioGateway(configuration: configuration, settings: settings, transport: UnusedTransport())
    }

    @Test("Twilio: form POST to the account's Messages.json with basic auth, To in E.164, From, Body, StatusCallback")
    func twilioShape() throws {
        let settings = TwilioSettings(baseURL: "http://127.0.0.1:8099", accountSID: "AC123", authToken: "tok-abc",
                                      statusCallback: "https://outreach.example/status?x=1")
        let request = try twilio(settings).request(for: sms())
        #expect(request.method == .post)
        #expect(request.url == "http://127.0.0.1:8099/2010-04-01/Accounts/AC123/Messages.json")
        #expect(request.headerPairs == ["Accept: application/json", "Content-Type: application/x-www-form-urlencoded",
                                        "Authorization: Basic QUMxMjM6dG9rLWFiYw=="])
        #expect(request.bodyText == "To=%2B966501234567&From=MOH&Body=\(arabicPercent)"
                + "&StatusCallback=https%3A%2F%2Foutreach.example%2Fstatus%3Fx%3D1")
        #expect(request.secrets.contains("tok-abc"))
        #expect(request.secrets.contains("QUMxMjM6dG9rLWFiYw=="))
    }

    @Test("Twilio: a messaging service replaces From; no sender at all is refused")
    func twilioMessagingService() throws {
        let service = TwilioSettings(accountSID: "AC1", authToken: "t", messagingServiceSID: "MG9")
        let request = try twilio(service).request(for: sms())
        #expect(request.url == "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json")
        #expect(request.bodyText == "To=%2B966501234567&MessagingServiceSid=MG9&Body=\(arabicPercent)")
        let plain = TwilioSettings(accountSID: "AC1", authToken: "t")
        #expect(throws: HTTPRequestBuildError.self) { try twilio(plain).request(for: sms(sender: nil)) }
        #expect(try twilio(plain, sender: "+14155550100").request(for: sms(sender: nil)).bodyText.contains("From=%2B14155550100"))
    }

    // MARK: - Templates

    @Test("placeholders are found only where a known-shaped {name} is; JSON braces and ${ENV} are left alone")
    func placeholderScan() {
        let found = GatewayPlaceholder.occurrences(in: #"{"a": {}, "b": "{to}", "c": ${X}, "d": {9x}}"#)
        #expect(found.map(\.name) == ["to", "X"])
        #expect(GatewayTemplate.expand("${X}/{to}", escape: { $0 }, value: { _ in "v" }) == "${X}/v")
        #expect(GatewayTemplate.solePlaceholder("{sender}") == .sender)
        #expect(GatewayTemplate.solePlaceholder("x{sender}") == nil)
    }

    @Test("percent-encoding keeps only unreserved characters")
    func percentEncoding() {
        #expect(HTTPPercentEncoding.encode("AZaz09-._~ !*'();:@&=+$,/?#[]%") ==
                "AZaz09-._~%20%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25")
        #expect(HTTPPercentEncoding.encode(arabic) == arabicPercent)
    }
}
