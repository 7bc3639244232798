import OutreachCore
@testable import OutreachDispatch
import Testing

/// Fails every request: the request-shape tests never reach it.
private struct UnreachableTransport: HTTPTransport {
    func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(kind: .other, detail: "not used")
    }
}

@Suite("Kannel sendsms request")
struct KannelRequestTests {
    let settings = KannelSettings(url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "moh", password: "p@ss w+rd")

    func gateway(_ settings: KannelSettings? = nil, sender: String? = "MOH") -> KannelGateway {
        KannelGateway(name: "kannel", settings: settings ?? self.settings, defaultSender: sender,
                      timeout: .seconds(7), connectTimeout: .seconds(2), transport: UnreachableTransport())
    }

    func message(_ text: String, to: String = "+966501234567", sender: String? = nil, id: String = "m-1") -> OutboundMessage {
        OutboundMessage(id: id, channel: .sms, recipientID: "1012345678", to: to, sender: sender, text: text)
    }

    /// The query as name/value pairs in order, percent-decoded.
    func query(_ request: HTTPRequest) -> [(String, String)] {
        let query = request.url.split(separator: "?", maxSplits: 1)[1]
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), String(decoding: Self.percentDecoded(parts[1]), as: UTF8.self))
        }
    }

    static func percentDecoded(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next() {
                bytes.append(UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)!)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    @Test("Arabic goes as UCS-2 (coding=2) with the exact text, UTF-8 charset")
    func arabic() {
        let text = "مرحباً أحمد، موعد تطعيم طفلك غداً ٩:٣٠ صباحاً"
        let request = gateway().request(for: message(text))
        #expect(request.method == .get)
        #expect(request.url.hasPrefix("http://127.0.0.1:13013/cgi-bin/sendsms?username=moh&password="))
        let pairs = query(request)
        #expect(pairs.map(\.0) == ["username", "password", "from", "to", "text", "charset", "coding"])
        let values = Dictionary(uniqueKeysWithValues: pairs)
        #expect(values["text"] == text)
        #expect(values["coding"] == "2")
        #expect(values["charset"] == "UTF-8")
        #expect(values["to"] == "+966501234567")
        #expect(values["from"] == "MOH")
        #expect(values["password"] == "p@ss w+rd")
        #expect(request.timeout == .seconds(7))
        #expect(request.connectTimeout == .seconds(2))
    }

    @Test("GSM-7 text goes as coding=0")
    func gsm() {
        let values = Dictionary(uniqueKeysWithValues: query(gateway().request(for: message("Your appointment is at 9:30 @ clinic {A}"))))
        #expect(values["coding"] == "0")
        #expect(values["text"] == "Your appointment is at 9:30 @ clinic {A}")
    }

    @Test("+ and spaces are percent-encoded, never left for a form decoder to turn into spaces")
    func reservedCharacters() {
        let request = gateway().request(for: message("a+b c&d=e", to: "+966501234567"))
        #expect(request.url.contains("to=%2B966501234567"))
        #expect(request.url.contains("text=a%2Bb%20c%26d%3De"))
        #expect(request.url.contains("password=p%40ss%20w%2Brd"))
    }

    @Test("the message's sender wins over the gateway default; no sender at all leaves `from` out")
    func sender() {
        let own = Dictionary(uniqueKeysWithValues: query(gateway().request(for: message("hi", sender: "MOH-Info"))))
        #expect(own["from"] == "MOH-Info")
        let none = query(gateway(sender: nil).request(for: message("hi")))
        #expect(!none.map(\.0).contains("from"))
    }

    @Test("dlr-mask and dlr-url are sent when configured; Kannel's %-escapes survive, {message_id} is filled in")
    func deliveryReports() {
        var settings = settings
        settings.dlrMask = 31
        settings.dlrURL = "http://127.0.0.1:8080/dlr?id={message_id}&status=%d&to=%p&answer=%A"
        let request = gateway(settings).request(for: message("hi", id: "c1/o2/r3"))
        let values = Dictionary(uniqueKeysWithValues: query(request))
        #expect(values["dlr-mask"] == "31")
        // What Kannel decodes is the template itself: its escapes intact, our id encoded once.
        #expect(values["dlr-url"] == "http://127.0.0.1:8080/dlr?id=c1%2Fo2%2Fr3&status=%d&to=%p&answer=%A")
        #expect(request.url.contains("dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fdlr%3Fid%3Dc1%252Fo2%252Fr3%26status%3D%25d"))
    }

    @Test("a sendsms URL that already has a query gets the parameters appended")
    func existingQuery() {
        let settings = KannelSettings(url: "http://kannel/cgi-bin/sendsms?smsc=operator1", username: "u", password: "p")
        let request = gateway(settings).request(for: message("hi"))
        #expect(request.url.hasPrefix("http://kannel/cgi-bin/sendsms?smsc=operator1&username=u&password=p&"))
    }

    @Test("the password is a secret of the request, and masking hides it in both spellings")
    func secrets() {
        let request = gateway().request(for: message("hi"))
        #expect(request.secrets == ["p@ss w+rd"])
        let masked = SecretMask(request.secrets).apply(request.url + " / p@ss w+rd")
        #expect(!masked.contains("p%40ss"))
        #expect(!masked.contains("p@ss"))
        #expect(masked.contains("password=***&"))
    }

    @Test("built from gateways.yaml's configuration; another type is a located error")
    func fromConfiguration() throws {
        let configuration = GatewayConfiguration(name: "kannel-main", settings: .kannel(settings),
                                                 timeoutSeconds: 4.5, connectTimeoutSeconds: 1.5, sender: "MOH")
        let gateway = try KannelGateway(configuration: configuration, transport: UnreachableTransport())
        #expect(gateway.name == "kannel-main")
        #expect(gateway.channel == .sms)
        #expect(gateway.timeout == .milliseconds(4500))
        #expect(gateway.defaultSender == "MOH")

        let file = GatewayConfiguration(name: "outbox", settings: .file(FileOutboxSettings(path: "out.jsonl")))
        #expect(throws: OutreachError.self) { try KannelGateway(configuration: file, transport: UnreachableTransport()) }
    }
}

@Suite("libcurl transport: host keys")
struct CurlHostKeyTests {
    @Test("requests are queued per scheme, host and port", arguments: [
        ("http://127.0.0.1:13013/cgi-bin/sendsms?x=1", "http://127.0.0.1:13013"),
        ("HTTPS://API.Example.SA/v1/messages", "https://api.example.sa:443"),
        ("http://user:p@ss@kannel.local/send", "http://kannel.local:80"),
        ("http://[::1]:8080/x", "http://[::1]:8080"),
        ("http://[::1]/x", "http://[::1]:80"),
        ("https://gw.example.com?x", "https://gw.example.com:443"),
    ])
    func hostKey(url: String, expected: String) {
        #expect(CurlSubmission.hostKey(of: url) == expected)
    }
}
