import Testing
import OutreachCore

struct TerminalTextTests {
    @Test("controls, DEL, C1 and bidi overrides become visible escapes", arguments: [
        ("a\nb", #"a\nb"#), ("a\rb", #"a\rb"#), ("a\tb", #"a\tb"#), ("\u{0}", #"\u{0}"#),
        ("\u{1B}[2J", #"\u{1b}[2J"#), ("x\u{7F}", #"x\u{7f}"#), ("\u{9B}31m", #"\u{9b}31m"#),
        ("\u{202E}txt.exe", #"\u{202e}txt.exe"#), ("\u{2066}a\u{2069}", #"\u{2066}a\u{2069}"#),
    ])
    func escapes(input: String, expected: String) {
        #expect(TerminalText.escaped(input) == expected)
    }

    @Test("text without such characters is unchanged, Arabic and marks included")
    func keepsText() {
        for text in ["سارة القحطاني", "Ahmed \\n", "😀 \u{200F}نص", ""] {
            #expect(TerminalText.escaped(text) == text)
        }
    }

    @Test("an escaped value is always one line with no control character")
    func oneLine() {
        let all = String(String.UnicodeScalarView((0...0x2070).compactMap(Unicode.Scalar.init)))
        let escaped = TerminalText.escaped(all)
        #expect(!escaped.unicodeScalars.contains(where: TerminalText.needsEscape))
        #expect(!escaped.contains("\n"))
    }
}
