import Foundation
import OutreachCore

/// Parses the input as a MessageFormat message and renders it, as an SMS and
/// as an email (subject, text and html), for recipients whose values span
/// every field type and its edges; then counts the SMS parts and builds the
/// email's MIME bytes.
///
/// The input's first line is the locale tag when it is one (`ar-SA`, any tag
/// a template's `locale:` accepts); otherwise the whole input is the message
/// and the locale is one of `locales`, picked by the input's bytes, so a
/// corpus of plain messages meets every listed locale.
enum MessageFormatTarget {
    /// The locales the README names: Arabic with its digit and calendar
    /// extensions, and the languages with their own plural rules.
    static let locales = [
        "ar", "ar-SA", "ar-EG", "ar-SA-u-nu-latn", "ar-SA-u-nu-arab", "ar-u-nu-arab", "ar-SA-u-ca-gregory",
        "ar-u-ca-islamic-umalqura", "en", "en-US-u-nu-arab", "fr", "ur", "hi", "fa", "id", "fil", "bn",
        "es", "pt", "ru", "pl", "tr",
    ]

    /// Values as an import produces them (raw text through `FieldParser`),
    /// one type per entry; a message's every argument gets each in turn.
    static let values: [Value] = {
        let raw: [(String, FieldType)] = [
            ("0", .int), ("1", .int), ("2", .int), ("3", .int), ("11", .int), ("100", .int), ("-1", .int),
            ("1000000", .int), ("9223372036854775807", .int), ("-9223372036854775808", .int),
            ("2.0005", .decimal), ("0.5", .decimal), ("-1.25", .decimal), ("1e21", .decimal), ("1e308", .decimal),
            ("2026-11-29", .date), ("1900-01-01", .date), ("0001-01-01", .date), ("9999-12-31", .date),
            ("1447-06-11", .hijriDate), ("female", .gender), ("male", .gender), ("yes", .bool),
            ("سارة", .text), ("Ahmed", .text), ("٣", .text), ("2026-02-30", .text), ("", .text),
            ("0551234567", .phone), ("a@example.sa", .email),
        ]
        return raw.compactMap { text, type in
            if case .value(let value) = FieldParser.parse(text, as: type) { return value }
            return nil
        }
    }()

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let whole = String(decoding: input, as: UTF8.self)
        var tag = locales[input.reduce(0) { ($0 &+ Int($1)) & 0xFFFF } % locales.count]
        var message = whole
        if let newline = whole.firstIndex(of: "\n") {
            let first = String(whole[..<newline])
            if (try? TemplateLocale(first)) != nil {
                tag = first
                message = String(whole[whole.index(after: newline)...])
            }
        }
        let source = SourceText(message, file: "templates/fuzzed.yaml", line: 4, column: 5, continuationColumn: 5)

        let sms: CompiledTemplate
        do throws(OutreachError) {
            sms = try CompiledTemplate(text: source, locale: tag)
        } catch {
            _ = error.description
            return
        }
        let language = (try? TemplateLocale(tag))?.language ?? "ar"
        let emailSpec = TemplateSpec(name: "fuzzed", file: "templates/fuzzed.yaml", channel: "email", locale: tag,
                                     variants: [.init(language: language, text: source, subject: source, html: source)])
        let email = try? CompiledTemplate(emailSpec, defaultLocale: tag)

        for record in records(for: sms.recipientFields) {
            switch sms.render(record) {
            case .success(let rendered):
                _ = SMSText.info(rendered.text)
                _ = SMSText.split(rendered.text)
            case .failure(let failure):
                _ = failure.description
            }
            if case .success(let rendered)? = email?.render(record) {
                let mime = MIMEMessage(from: sender, to: [recipient], subject: rendered.subject ?? "", date: sentAt,
                                       messageID: "fuzz@outreach.example", text: rendered.text, html: rendered.html,
                                       language: rendered.language)
                _ = try? mime.rendered()
            }
        }
    }

    static let sender = Mailbox(displayName: "وزارة الصحة", address: try! EmailAddress("noreply@moh.example"))
    static let recipient = Mailbox(displayName: "سارة", address: try! EmailAddress("sara@example.sa"))
    static let sentAt = Date(timeIntervalSince1970: 1_795_000_000)

    /// Recipients for a message reading `fields` (built-in words read
    /// `gender`): one per value giving it to every field, one giving each
    /// field a different value, and one with nothing at all.
    static func records(for fields: Set<String>) -> [DictionaryRecord] {
        let names = fields.sorted()
        var records = values.map { value in
            DictionaryRecord(Dictionary(uniqueKeysWithValues: names.map { ($0, value) }))
        }
        records.append(DictionaryRecord(Dictionary(uniqueKeysWithValues: names.enumerated().map { i, name in
            (name, values[(i * 7) % values.count])
        })))
        records.append(DictionaryRecord([:]))
        return records
    }
}
