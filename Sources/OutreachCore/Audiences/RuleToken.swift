/// One lexical token of a `where` rule, with its character offset in the
/// rule text (for located errors).
struct RuleToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)       // field, function or audience name; keywords are identifiers too
        case quotedIdentifier(String) // `field name` in backticks: never a keyword
        case number(String)           // ASCII digits, optional fraction
        case string(String)           // quote-doubling already undone
        case symbol(String)           // = != <> < <= > >= ( ) , -
        case end
    }

    var kind: Kind
    var offset: Int
    /// Length in characters, for carets and messages.
    var length: Int

    /// Upper-cased word when this token is an unquoted identifier.
    var keyword: String? {
        if case .identifier(let name) = kind { return name.uppercased() }
        return nil
    }

    func isKeyword(_ word: String) -> Bool { keyword == word }

    func isSymbol(_ s: String) -> Bool {
        if case .symbol(let v) = kind { return v == s }
        return false
    }

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let s): return "'\(s)'"
        case .quotedIdentifier(let s): return "`\(s)`"
        case .number(let s): return s
        case .string(let s): return "'\(s)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "the end of the rule"
        }
    }
}
