import Testing
import OutreachCore
@testable import OutreachDispatch

@Suite("Gateway factory")
struct GatewayRequestFactoryTests {
    @Test("builds file, http, twilio, kannel and smtp gateways by name")
    func factory() throws {
        let configurations = [
            GatewayConfiguration(name: "outbox", settings: .file(FileOutboxSettings(path: "out/o.jsonl"))),
            GatewayConfiguration(name: "taqnyat", settings: .http(HTTPGatewayProfile.taqnyat.settings(["token": "t"]))),
            GatewayConfiguration(name: "twilio", settings: .twilio(TwilioSettings(accountSID: "AC", authToken: "t")), sender: "MOH"),
        ]
        var asked: [String] = []
        let gateways = try GatewayFactory.make(configurations, projectRoot: "/tmp/p", transport: { configuration in
            asked.append(configuration.name)
            return UnusedTransport()
        })
        #expect(Set(gateways.keys) == ["outbox", "taqnyat", "twilio"])
        #expect(gateways["outbox"] is FileOutboxGateway)
        #expect(gateways["taqnyat"] is HTTPGateway)
        #expect(gateways["twilio"] is TwilioGateway)
        #expect(gateways["outbox"]?.name == "outbox")
        #expect(asked.sorted() == ["taqnyat", "twilio"])   // the outbox needs no transport

        let kannel = GatewayConfiguration(name: "k", settings: .kannel(KannelSettings(url: "http://127.0.0.1:13013/cgi-bin/sendsms",
                                                                                       username: "u", password: "p")))
        #expect(try GatewayFactory.make([kannel], projectRoot: "/", transport: UnusedTransport())["k"] is KannelGateway)
        let smtp = GatewayConfiguration(name: "mail", settings: .smtp(SMTPSettings(url: "smtp://127.0.0.1:2525", from: "noreply@moh.example")))
        #expect(try GatewayFactory.make([smtp], projectRoot: "/", transport: UnusedTransport())["mail"] is SMTPGateway)
        let badSMTP = GatewayConfiguration(name: "mail", settings: .smtp(SMTPSettings(url: "http://x", from: "noreply@moh.example")))
        #expect(throws: GatewayFactoryError.self) { try GatewayFactory.make([badSMTP], projectRoot: "/", transport: UnusedTransport()) }
    }
}
