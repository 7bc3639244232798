public import OutreachCore
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each message it is given to a JSON Lines file instead of sending
/// it: one object per line with `id`, `channel`, `to`, `sender`, `text`,
/// `encoding` and `parts` (SMS) or `subject` and `html` (email), and `time`
/// (UTC). Always accepts. The bundled example project sends here, so a demo
/// needs no external service; it takes messages of either channel.
///
/// An actor: many sends at once append whole lines, one write each.
public actor FileOutboxGateway: MessageGateway {
    public nonisolated let name: String
    public nonisolated let channel: Channel
    /// Absolute path of the outbox file.
    public nonisolated let path: String
    let smartEncoding: Bool
    let defaultSender: String?
    let now: @Sendable () -> Date
    private var handle: FileHandle?
    private let timestamps: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `projectRoot` anchors a relative `path` from gateways.yaml.
    public init(configuration: GatewayConfiguration, settings: FileOutboxSettings, projectRoot: String,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = configuration.name
        self.channel = settings.channel
        self.path = settings.path.hasPrefix("/") ? settings.path : (projectRoot as NSString).appendingPathComponent(settings.path)
        self.smartEncoding = configuration.smartEncoding
        self.defaultSender = configuration.sender
        self.now = now
    }

    /// One line of the outbox.
    public struct Record: Codable, Sendable, Equatable {
        public var id: String
        public var channel: Channel
        public var to: String
        public var sender: String?
        public var subject: String?
        public var text: String
        public var html: String?
        public var encoding: String?
        public var parts: Int?
        public var time: String
    }

    public func record(for message: OutboundMessage) -> Record {
        var record = Record(id: message.id, channel: message.channel, to: message.to, sender: message.sender ?? defaultSender,
                            subject: message.subject, text: message.text, html: message.html, time: timestamps.string(from: now()))
        if message.channel == .sms {
            if smartEncoding { record.text = SMSText.smartEncoded(record.text) }
            let info = SMSText.info(record.text)
            record.encoding = info.encoding.rawValue
            record.parts = info.parts
        }
        return record
    }

    public func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        let record = record(for: message)
        do {
            var line = try encoder.encode(record)
            line.append(0x0A)
            let handle = try openHandle()
            try handle.write(contentsOf: line)
            return DeliveryOutcome(messageID: message.id, kind: .accepted, providerMessageID: message.id,
                                   detail: "written to \(path)", attempts: attempt)
        } catch {
            // A full disk or a read-only folder may pass; the dispatcher retries.
            return DeliveryOutcome(messageID: message.id, kind: .retryable, detail: "cannot write \(path): \(error)", attempts: attempt)
        }
    }

    private func openHandle() throws -> FileHandle {
        if let handle { return handle }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        // O_APPEND: every write lands at the end, so two `outreach` processes
        // sharing an outbox never overwrite each other's lines.
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        let opened = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        handle = opened
        return opened
    }

    /// Flushes and closes the file (it reopens on the next send).
    public func close() {
        try? handle?.synchronize()
        try? handle?.close()
        handle = nil
    }
}
