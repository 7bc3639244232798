/// The words that, sent back as a whole reply, change a person's standing:
/// a STOP word puts the sender on the suppression list, a START word takes
/// them off it again (only when START words are configured).
///
/// A reply matches when, after the same folding audience rules use
/// (`ArabicText.normalize`: harakat, tatweel, alef forms, case) and with
/// white space and punctuation around it removed, it *is* one of the words:
/// "stop!" and "  إيــقاف " match; "please stop sending" does not (a person
/// writing a sentence is answered by a person, not by the engine).
public struct StopWords: Sendable, Hashable {
    /// What a reply asks for.
    public enum Action: String, Sendable, Hashable, Codable {
        case stop
        case start
    }

    /// The defaults: English and Arabic, with and without hamza.
    public static let defaultStopWords = ["STOP", "UNSUBSCRIBE", "إيقاف", "ايقاف", "الغاء", "إلغاء", "توقف"]
    public static let defaultStartWords = ["START", "اشتراك"]

    /// As written in the configuration (shown back to the officer).
    public let stopWords: [String]
    public let startWords: [String]
    private let stopKeys: Set<String>
    private let startKeys: Set<String>

    public init(stopWords: [String] = StopWords.defaultStopWords, startWords: [String] = StopWords.defaultStartWords) {
        self.stopWords = stopWords
        self.startWords = startWords
        stopKeys = Set(stopWords.map(Self.key).filter { !$0.isEmpty })
        startKeys = Set(startWords.map(Self.key).filter { !$0.isEmpty })
    }

    /// What `text` asks for, or nil when it is an ordinary reply.
    public func action(for text: String) -> Action? {
        let key = Self.key(text)
        guard !key.isEmpty else { return nil }
        if stopKeys.contains(key) { return .stop }
        if startKeys.contains(key) { return .start }
        return nil
    }

    /// The words both lists claim (after folding): a configuration error.
    public var ambiguousWords: [String] {
        stopWords.filter { startKeys.contains(Self.key($0)) }
    }

    /// The comparison key: folded, then stripped of surrounding punctuation,
    /// symbols and white space (a trailing "." or "!" or an emoji is noise).
    public static func key(_ text: String) -> String {
        let folded = ArabicText.normalize(text)
        let scalars = folded.unicodeScalars
        func isNoise(_ s: Unicode.Scalar) -> Bool {
            if s.properties.isWhitespace { return true }
            switch s.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation,
                 .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol, .format, .control,
                 .nonspacingMark, .enclosingMark:
                return true
            default:
                return false
            }
        }
        guard let first = scalars.firstIndex(where: { !isNoise($0) }),
              let last = scalars.lastIndex(where: { !isNoise($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
