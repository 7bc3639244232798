import Foundation
import OutreachCore
@testable import OutreachDispatch
import Testing

/// A secret with a character that each encoding changes: a space, `/`, `&`,
/// quotes, `+`, `%` and a non-ASCII letter.
private let secret = "Sup3r s3cret/Välue&'\"+%x"
private let user = "AC-account-7"

/// Every spelling of `secret` an error page might echo.
private let spellings: [(name: String, text: String)] = {
    func percent(_ text: String, all: Bool, lower: Bool) -> String {
        text.utf8.map { byte -> String in
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~")].contains(byte)
            if unreserved && !all { return String(UnicodeScalar(byte)) }
            let hex = String(byte, radix: 16, uppercase: !lower)
            return "%" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }
    let base64 = Data(secret.utf8).base64EncodedString()
    return [
        ("raw", secret),
        ("percent-encoded, upper-case hex", percent(secret, all: false, lower: false)),
        ("percent-encoded, lower-case hex", percent(secret, all: false, lower: true)),
        ("percent-encoded, every byte", percent(secret, all: true, lower: true)),
        ("form-encoded", percent(secret, all: false, lower: false).replacingOccurrences(of: "%20", with: "+")),
        ("HTML-escaped, named and decimal", "Sup3r s3cret/V&#228;lue&amp;&#39;&quot;+%x"),
        ("HTML-escaped, hexadecimal", "Sup3r s3cret/V&#xe4;lue&amp;&#x27;&#X22;+%x"),
        ("JSON-escaped, lower-case", #"Sup3r s3cret\/V\u00e4lue&'\"+%x"#),
        ("JSON-escaped, upper-case, every character", #"\u0053up3r s3cret\/V\u00E4lue\u0026\u0027\"\u002B%x"#),
        ("base64", base64),
        ("base64, URL-safe, unpadded", base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")),
        ("base64 of user:password (HTTP Basic)", Data("\(user):\(secret)".utf8).base64EncodedString()),
    ]
}()

/// What of a spelling would give the secret away: all of it, but for base64
/// of `user:password` the characters after those encoding `user:` and the one
/// mixing in the secret's first bits.
private func telling(_ spelling: (name: String, text: String)) -> String {
    let text = spelling.name.hasPrefix("base64 of user") ? String(spelling.text.dropFirst((user.count + 1) * 8 / 6 + 1)) : spelling.text
    // Five characters: what a cut 5 characters into the spelling would have left.
    return String(text.prefix(5))
}

@Suite("Secrets are masked in every spelling, before anything is shortened")
struct SecretMaskTests {
    @Test("each spelling is masked", arguments: spellings.indices)
    func spelling(_ index: Int) {
        let spelling = spellings[index]
        let masked = SecretMask([secret, Data("\(user):\(secret)".utf8).base64EncodedString()]).apply("before \(spelling.text) after")
        #expect(!masked.contains(telling(spelling)), "\(spelling.name): \(masked)")
        #expect(masked.hasPrefix("before ") && masked.contains("***") && masked.hasSuffix(" after"), "\(spelling.name): \(masked)")
    }

    @Test("base64 of the secret inside longer data is masked at every byte alignment, without the user: given")
    func base64Alignments() {
        let mask = SecretMask([secret])
        for lead in ["", "a:", "ab:", "abc:"] {
            let encoded = Array(Data((lead + secret + ":tail").utf8).base64EncodedString())
            let masked = mask.apply("Authorization: Basic \(String(encoded))")
            // Every 4 characters that encode only the secret's bits are gone.
            let first = (lead.utf8.count * 8 + 5) / 6, end = (lead.utf8.count + secret.utf8.count) * 8 / 6
            for start in first...(end - 4) {
                #expect(!masked.contains(String(encoded[start..<(start + 4)])), "\(lead): \(masked)")
            }
        }
    }

    @Test("spellings mixed within one occurrence, and a character beyond the BMP as a JSON surrogate pair")
    func mixedAndAstral() {
        let mask = SecretMask(["k€y😀pw"])
        #expect(mask.apply(#"{"e":"k\u20ACy\ud83d\ude00pw"}"#) == #"{"e":"***"}"#)
        #expect(mask.apply("x=k%E2%82%aCy%F0%9F%98%80pw&") == "x=***&")
        #expect(mask.apply("<b>k&#8364;y&#x1F600;pw</b>") == "<b>***</b>")
        #expect(mask.apply("k€y😀p") == "k€y😀p")
    }

    @Test("a secret whose spellings branch at every character (backslashes: as is, or JSON-escaped) is still found whole")
    func manyWays() {
        let secret = String(repeating: "\\", count: 12)
        let mask = SecretMask([secret])
        #expect(mask.apply("a" + secret + "b") == "a***b")
        // JSON-escaped: 24 backslashes; followed through more than the 8 positions kept inline.
        #expect(mask.apply("a" + secret + secret + "b") == "a***b")
    }

    @Test("text without a secret comes back as it was; nothing is masked for no secrets")
    func untouched() {
        let text = "0: Accepted for delivery — %41 &amp; \\u0041 Sup3r"
        #expect(SecretMask([secret]).apply(text) == text)
        #expect(SecretMask([]).apply(secret) == secret)
        #expect(SecretMask(["hunter2"]).apply("a hunter2 b hunter2") == "a *** b ***")
    }

    /// Routes `/form/N` to an answer of `status` whose text puts spelling N across the cut at `cut` characters.
    static func echoServer(status: Int, cut: Int) throws -> FaultServer {
        try FaultServer { request in
            let parts = request.path.split(separator: "/")
            guard parts.count >= 2, parts[0] == "form", let index = Int(parts[1]), spellings.indices.contains(index) else {
                return .respond(status: 404, body: "Unknown")
            }
            // The spelling starts 5 characters before the cut.
            let padding = String(repeating: "=", count: cut - 5)
            return .respond(status: status, body: "\(padding)\(spellings[index].text) was refused\n")
        }
    }

    static let message = OutboundMessage(id: "m-1", channel: .sms, recipientID: "r", to: "+966501234567", sender: "MOH", text: "hi")

    @Test("Kannel: an echoed password across the 200-character cut is masked in the outcome and the printed exchange",
          arguments: spellings.indices)
    func kannel(_ index: Int) async throws {
        let server = try Self.echoServer(status: 403, cut: 199)
        defer { server.stop() }
        let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 1))
        defer { transport.shutdown() }
        let recorder = ExchangeRecorder(transport)
        let gateway = KannelGateway(name: "k", settings: KannelSettings(url: server.baseURL + "/form/\(index)", username: user,
                                                                        password: secret),
                                    transport: recorder)
        let outcome = await gateway.send(Self.message, attempt: 1)
        #expect(outcome.kind == .rejected && outcome.status == 403)
        // (Base64 of user:password: what is left before the cut encodes the user, "***" comes after it.)
        #expect(outcome.detail.contains("***") || spellings[index].name.hasPrefix("base64 of user"), "\(spellings[index].name): \(outcome.detail)")
        #expect(!outcome.detail.contains(telling(spellings[index])), "\(spellings[index].name): \(outcome.detail)")
        let transcript = recorder.transcript()
        #expect(transcript.contains("***") && !transcript.contains(telling(spellings[index])), "\(spellings[index].name)")
    }

    @Test("Twilio: an echoed auth token across the 300-character cut is masked", arguments: spellings.indices)
    func twilio(_ index: Int) async throws {
        let server = try FaultServer { request in
            let parts = request.path.split(separator: "/")
            let index = Int(parts[1]) ?? 0
            return .respond(status: 401, body: String(repeating: "=", count: 295) + spellings[index].text + " is wrong")
        }
        defer { server.stop() }
        let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 1))
        defer { transport.shutdown() }
        let settings = TwilioSettings(baseURL: server.baseURL + "/form/\(index)", accountSID: user, authToken: secret)
        let gateway = TwilioGateway(configuration: GatewayConfiguration(name: "t", settings: .twilio(settings)),
                                    settings: settings, transport: transport)
        let outcome = await gateway.send(Self.message, attempt: 1)
        #expect(outcome.kind == .rejected && outcome.status == 401)
        #expect(outcome.detail.contains("***"), "\(spellings[index].name): \(outcome.detail)")
        #expect(!outcome.detail.contains(telling(spellings[index])), "\(spellings[index].name): \(outcome.detail)")
    }

    @Test("SMTP: a reply echoing the password is masked before the detail is shortened")
    func smtp() {
        for spelling in spellings {
            let reply = String(repeating: "=", count: 495 - "Login denied — server: 535 ".count) + spelling.text
            let result = SMTPTransferResult(curlCode: 67, replyCode: 535, replyLines: ["535 " + reply], errorText: "Login denied",
                                            newConnection: true)
            let outcome = SMTPGateway.outcome(for: result, messageID: "m", attempt: 1, providerMessageID: nil, secrets: [secret])
            #expect(!outcome.detail.contains(telling(spelling)), "\(spelling.name): \(outcome.detail)")
        }
    }
}
