import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

@Suite("replies: in outreach.yaml, and signed unsubscribe links in gateways.yaml")
struct RepliesConfigurationTests {
    func configuration(_ yaml: String) throws -> ProjectConfiguration {
        try ProjectLoader.readConfiguration(try writeTemporary(yaml, name: "outreach.yaml"))
    }

    @Test("defaults: the Arabic and English STOP and START words, no confirmation")
    func defaults() throws {
        let config = try configuration("name: t\n")
        #expect(config.replies.words.stopWords == StopWords.defaultStopWords)
        #expect(config.replies.words.action(for: "ايقاف") == .stop)
        #expect(config.replies.words.action(for: "اشتراك") == .start)
        #expect(config.replies.stopConfirmation == nil)
    }

    @Test("configured words replace the defaults; start_words: [] turns START off")
    func configured() throws {
        let config = try configuration("""
        replies:
          stop_words: [STOP, كفى]
          start_words: []
          stop_confirmation: "تم إيقاف الرسائل. أرسل START للعودة."
        """)
        #expect(config.replies.words.action(for: "كفى") == .stop)
        #expect(config.replies.words.action(for: "إيقاف") == nil)
        #expect(config.replies.words.action(for: "START") == nil)
        #expect(config.replies.stopConfirmation == "تم إيقاف الرسائل. أرسل START للعودة.")
    }

    @Test("mistakes are located errors", arguments: [
        ("replies:\n  stop_word: [STOP]\n", "stop_word", 2, 3),
        ("replies:\n  stop_words: []\n", "must not be empty", 2, 15),
        ("replies:\n  stop_words: [STOP, '!!']\n", "'!!' has no letters", 2, 22),
        ("replies:\n  stop_words: [STOP]\n  start_words: [stop]\n", "both a stop word and a start word", 3, 16),
        ("replies:\n  stop_confirmation: ' '\n", "stop_confirmation is empty", 2, 22),
    ])
    func mistakes(yaml: String, message: String, line: Int, column: Int) throws {
        let path = try writeTemporary(yaml, name: "outreach.yaml")
        do {
            _ = try ProjectLoader.readConfiguration(path)
            Issue.record("no error for \(yaml)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.location?.line == line && error.location?.column == column, "\(String(describing: error.location))")
        }
    }

    @Test("{unsubscribe_token} needs OUTREACH_WEBHOOK_SECRET from the environment, kept as a secret")
    func unsubscribeSecret() throws {
        let yaml = """
        gateways:
          mail:
            type: smtp
            url: smtp://127.0.0.1:2525
            from: noreply@moh.example
            unsubscribe_url: https://moh.example/unsubscribe/{unsubscribe_token}
        """
        let path = try writeTemporary(yaml, name: "gateways.yaml")
        let missing = GatewaysLoader(environment: [:]).load(path).problems
        #expect(missing.count == 1)
        #expect(missing.first?.message.contains("OUTREACH_WEBHOOK_SECRET is not set") == true)
        #expect(missing.first?.location?.line == 6)
        let loaded = try GatewaysLoader(environment: ["OUTREACH_WEBHOOK_SECRET": "s3cret"]).loadOrThrow(path)
        guard case .smtp(let smtp) = try #require(loaded.first).settings else { Issue.record("not smtp"); return }
        #expect(smtp.unsubscribeSecret == "s3cret")
        #expect(loaded.first?.secrets.contains("s3cret") == true)
    }
}
