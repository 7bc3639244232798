/// Alphanumeric SMS sender ids as Saudi operators register them: at most 11
/// characters, Latin letters, digits, space, '-' or '.', and not only digits.
public enum SenderID {
    /// Why `sender` is not a valid sender id, or nil when it is.
    public static func problem(_ sender: String) -> String? {
        if sender.isEmpty { return "is empty" }
        if sender.unicodeScalars.count > 11 { return "is longer than 11 characters" }
        for u in sender.unicodeScalars {
            let ok = (u >= "A" && u <= "Z") || (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || u == " " || u == "-" || u == "."
            if !ok { return "contains '\(u)'" }
        }
        if sender.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" }) { return "is only digits" }
        return nil
    }
}
