import ArgumentParser
import Foundation
import OutreachCore

/// Runs a command body, turning `OutreachError`s into a clean stderr message
/// and exit code 1 (never a stack trace).
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as OutreachError {
        printError(error.description)
        throw ExitCode(1)
    }
}

/// `reportingErrors` for async bodies: `OutreachError`s and refused state
/// changes become one clean stderr message and exit code 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as OutreachError {
        printError(error.description)
        throw ExitCode(1)
    } catch let error as CampaignTransitionError {
        printError("error: \(error.description)")
        throw ExitCode(1)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Buffered standard output for commands that print many lines.
struct OutputBuffer: ~Copyable {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func write(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func line(_ text: String) {
        write(text)
        bytes.append(0x0A)
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        writeToStandardOutput(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    deinit {
        if !bytes.isEmpty { writeToStandardOutput(bytes) }
    }
}

/// Writes bytes to file descriptor 1 after flushing anything `print` buffered.
func writeToStandardOutput(_ bytes: [UInt8]) {
    fflush(nil)
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(1, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { break }   // closed pipe (e.g. `| head`): stop quietly
            offset += n
        }
    }
}

/// Pretty, key-sorted JSON for `--json` output. Every date is ISO 8601 with
/// its offset (`2026-12-07T21:21:00.170+03:00`), in `zone` (the project's
/// time zone where the command knows it, else UTC), never seconds since 2001.
func printJSON<T: Encodable>(_ value: T, zone: TimeZone = TimeZone(identifier: "UTC")!) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(isoDateTime(date, zone: zone))
    }
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Groups digits of a count for people: 1234567 → "1,234,567".
func grouped(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, ch) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}

/// Pads for aligned columns (counts characters, fine for Latin labels).
func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// `date` as ISO 8601 with milliseconds and a numeric offset in `zone` (`Z` in UTC).
func isoDateTime(_ date: Date, zone: TimeZone) -> String {
    let format = ISO8601DateFormatter()
    format.timeZone = zone
    format.formatOptions = [.withInternetDateTime, .withFractionalSeconds, .withColonSeparatorInTimeZone]
    return format.string(from: date)
}
