import ArgumentParser
import OutreachCore

/// `outreach sms-info -- TEXT`: how a gateway would encode and split a text.
struct SMSInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sms-info",
        abstract: "Show a text's SMS encoding (GSM-7 or UCS-2), length and number of parts.")

    @Flag(name: .long, help: "Print {\"encoding\", \"characters\", \"units\", \"parts\"} as JSON.")
    var json = false

    @Flag(name: .long, help: "Apply smart encoding first (typographic quotes, dashes, … replaced by GSM characters).")
    var smart = false

    @Argument(parsing: .remaining, help: "The text (put it after --).")
    var text: [String] = []

    func run() throws {
        let original = text.joined(separator: " ")
        let message = smart ? SMSText.smartEncoded(original) : original
        let info = SMSText.info(message)
        if json {
            try printJSON(info)
            return
        }
        print("encoding:   \(info.encoding.rawValue)")
        print("characters: \(info.characters)")
        print("units:      \(info.units) \(info.encoding == .gsm7 ? "septets" : "UTF-16 units")")
        print("parts:      \(info.parts)")
        if smart {
            let before = SMSText.info(original)
            print("before smart encoding: \(before.encoding.rawValue), \(before.parts) part(s)")
            if message != original { print("text sent:  \(message)") }
        }
    }
}
