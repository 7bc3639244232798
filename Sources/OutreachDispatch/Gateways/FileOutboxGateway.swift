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
            try Self.appendWhole(line, to: handle.fileDescriptor)
            return DeliveryOutcome(messageID: message.id, kind: .accepted, providerMessageID: message.id,
                                   detail: "written to \(path)", attempts: attempt)
        } catch {
            // A full disk or a read-only folder may pass; the dispatcher retries.
            return DeliveryOutcome(messageID: message.id, kind: .retryable, detail: "cannot write \(path): \(error)", attempts: attempt)
        }
    }

    private func openHandle() throws -> FileHandle {
        if let handle { return handle }
        try Self.makePrivateFolders((path as NSString).deletingLastPathComponent)
        // O_APPEND: every write lands at the end, so two `outreach` processes
        // sharing an outbox never overwrite each other's lines. Owner-only
        // (it holds numbers, addresses and messages), whatever the umask; an
        // outbox made by an older version is narrowed too, before this write.
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o7777 != 0o600 {
            _ = fchmod(descriptor, 0o600)
        }
        let opened = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        handle = opened
        return opened
    }

    /// Appends `line` whole or not at all: a write cut short (a full disk) is taken back, so the file never
    /// holds half a line for the next message to be appended onto — every line a message was accepted for
    /// can be read back. A file whose last line was left unfinished (by an older version, or a kill in the
    /// middle of a write) gets its newline first.
    static func appendWhole(_ line: Data, to descriptor: Int32) throws {
        let end = lseek(descriptor, 0, SEEK_END)
        var bytes = line
        if end > 0 {
            var last: UInt8 = 0
            if pread(descriptor, &last, 1, end - 1) == 1, last != 0x0A { bytes.insert(0x0A, at: 0) }
        }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        guard written < bytes.count else { return }
        if end >= 0 { _ = ftruncate(descriptor, end) }
        throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(failure == 0 ? ENOSPC : failure))])
    }

    /// Creates the missing folders of `folder`, each `0700`.
    static func makePrivateFolders(_ folder: String) throws {
        var made = ""
        for component in folder.split(separator: "/", omittingEmptySubsequences: true) {
            made += (made.isEmpty && !folder.hasPrefix("/") ? "" : "/") + component
            var info = stat()
            guard stat(made, &info) != 0 else { continue }
            guard mkdir(made, 0o700) == 0 || errno == EEXIST else { throw CocoaError(.fileWriteNoPermission) }
            _ = chmod(made, 0o700)
        }
    }

    /// Flushes and closes the file (it reopens on the next send).
    /// Writes out and closes the outbox file (`close()`).
    public func shutdown() async { close() }

    public func close() {
        try? handle?.synchronize()
        try? handle?.close()
        handle = nil
    }
}
