import OutreachServer
import Testing

@Suite struct WebhookSecretTests {
    @Test func matchesOnlyItself() throws {
        let secret = try WebhookSecret("0123456789abcdef-XYZ")
        #expect(secret.matches("0123456789abcdef-XYZ"))
        #expect(!secret.matches("0123456789abcdef-XY"))
        #expect(!secret.matches("0123456789abcdef-XYZW"))
        #expect(!secret.matches("1123456789abcdef-XYZ"))
        #expect(!secret.matches(""))
        #expect("\(secret)" == "<webhook secret>")
    }

    @Test(arguments: ["", "short", "0123456789abcdef/x", "0123456789abcdef x"])
    func refusesWeakOrUnsafe(_ text: String) {
        #expect(throws: (any Error).self) { try WebhookSecret(text) }
    }

    @Test func missingFromTheEnvironmentIsRefusedClearly() {
        do {
            _ = try WebhookSecret.fromEnvironment([:])
            Issue.record("accepted a missing secret")
        } catch {
            #expect(error.message.contains("OUTREACH_WEBHOOK_SECRET is not set"))
        }
    }
}
