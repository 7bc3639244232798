import Testing
import OutreachCore

@Suite("StopWords")
struct StopWordsTests {
    static let stops = [
        "STOP", "stop", "Stop", " stop ", "STOP!", "stop.", "«إيقاف»", "UNSUBSCRIBE", "unsubscribe",
        "إيقاف", "ايقاف", "أيقاف", "إِيقَاف", "إيـــقاف", "ايقاف!!", "  ايقاف\n", "الغاء", "إلغاء",
        "إِلْغَاء", "ألغاء", "توقف", "تَوَقَّفْ", "تـوقـف", "توقف.", "توقف 🛑", "؟توقف؟",
    ]

    @Test("every STOP form, with harakat, tatweel, case and surrounding punctuation", arguments: stops)
    func stop(text: String) {
        #expect(StopWords().action(for: text) == .stop)
    }

    @Test("START words", arguments: ["START", "start", " Start! ", "اشتراك", "اِشْتِراك", "اشـتـراك", "إشتراك"])
    func start(text: String) {
        #expect(StopWords().action(for: text) == .start)
    }

    @Test("a sentence, a word inside a word, or nothing is an ordinary reply",
          arguments: ["please stop sending", "stopped", "nonstop", "لا توقف", "إيقاف الرسائل", "", "   ", "!!!", "شكرا", "STOP STOP", "st op"])
    func ordinary(text: String) {
        #expect(StopWords().action(for: text) == nil)
    }

    @Test("configured words replace the defaults; no START words means START does nothing")
    func configured() {
        let words = StopWords(stopWords: ["Cancel", "كفى"], startWords: [])
        #expect(words.action(for: "CANCEL") == .stop)
        #expect(words.action(for: "كفى!") == .stop)
        #expect(words.action(for: "STOP") == nil)
        #expect(words.action(for: "START") == nil)
        #expect(StopWords(stopWords: ["STOP"], startWords: ["stop!"]).ambiguousWords == ["STOP"])
    }
}

@Suite("UnsubscribeToken")
struct UnsubscribeTokenTests {
    let secret = Array("s3cret-for-tests".utf8)
    let ids = ["m1", "vaccination_round/o1/r42", "حملة-1", String(repeating: "x", count: 200), "a.b.c"]

    @Test("a signed token verifies and names its message")
    func roundTrip() throws {
        for id in ids {
            let token = UnsubscribeToken(messageID: id, secret: secret)
            #expect(token.text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
            #expect(UnsubscribeToken.verify(token.text, secret: secret)?.messageID == id)
        }
    }

    @Test("another secret, an altered id, an altered code, or junk does not verify")
    func forged() throws {
        let token = UnsubscribeToken(messageID: "campaign/o1/r1", secret: secret).text
        #expect(UnsubscribeToken.verify(token, secret: Array("other".utf8)) == nil)
        let parts = token.split(separator: ".").map(String.init)
        // Another message's id with this code: the signature no longer matches.
        let otherID = UnsubscribeToken(messageID: "campaign/o1/r2", secret: secret).text.split(separator: ".")[0]
        #expect(UnsubscribeToken.verify(otherID + "." + parts[1], secret: secret) == nil)
        // Every single-character change of the code fails.
        let code = Array(parts[1])
        for i in code.indices {
            var changed = code
            changed[i] = changed[i] == "A" ? "B" : "A"
            #expect(UnsubscribeToken.verify(parts[0] + "." + String(changed), secret: secret) == nil)
        }
        for junk in ["", ".", "abc", parts[0], parts[0] + ".", "." + parts[1], token + ".x", token + "=", "!!" + token, token + "A",
                     String(token.dropLast())] {
            #expect(UnsubscribeToken.verify(junk, secret: secret) == nil, "\(junk)")
        }
        // A bare id, as an old-style link carried it, is never accepted.
        #expect(UnsubscribeToken.verify("campaign/o1/r1", secret: secret) == nil)
    }
}
